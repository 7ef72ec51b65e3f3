"""The intent classifier's fast scoring gives what sklearn's TF-IDF transform gives, on any text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:  # Rasa's classifier imports TensorFlow (~10 s): only in the worker that runs these tests
    from nlp.classifier import FoldedTfidfIntentClassifier

TRAINING = {
    "life_event_birth": ["my wife gave birth", "s-a născut copilul", "у нас родился сын", "baby born yesterday"],
    "life_event_death": ["my father died", "a murit tata", "умер отец", "funeral and death certificate"],
    "ask_cost": ["how much does it cost", "cât costă", "сколько стоит", "is it free"],
}
TEXTS = [
    "My wife gave birth in Bălți!!",
    "a murit bunica, ce acte trebuie?",
    "СКОЛЬКО СТОИТ свидетельство о рождении",
    "",
    "   ",
    "zzzz qqqq",
    "🙂🙂 <b>hi</b> & 123",
    "birth birth birth death",
    "x" * 5000,
]


@pytest.fixture(scope="module")
def classifier(tmp_path_factory: pytest.TempPathFactory) -> FoldedTfidfIntentClassifier:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlp.classifier import FoldedTfidfIntentClassifier

    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    resource = Resource("intent_classifier")
    component = FoldedTfidfIntentClassifier({}, storage, resource)
    component.train(TrainingData([Message.build(text=t, intent=i) for i, texts in TRAINING.items() for t in texts]))
    return FoldedTfidfIntentClassifier.load({}, storage, resource, None)  # type: ignore[arg-type]


def test_fast_scoring_equals_sklearn(classifier: FoldedTfidfIntentClassifier) -> None:
    fast = classifier.probabilities(TEXTS)
    reference = classifier.probabilities_sklearn(TEXTS)
    np.testing.assert_allclose(fast, reference, rtol=1e-9, atol=1e-12)


def test_ranking_names_the_right_intents(classifier: FoldedTfidfIntentClassifier) -> None:
    from rasa.shared.nlu.training_data.message import Message

    messages = [Message.build(text=t) for t in ("our baby was born", "a murit mama", "сколько это стоит")]
    classifier.process(messages)
    assert [m.get("intent")["name"] for m in messages] == ["life_event_birth", "life_event_death", "ask_cost"]
    ranking = messages[0].get("intent_ranking")
    assert len(ranking) == 3 and abs(sum(r["confidence"] for r in ranking) - 1) < 1e-9


def test_two_intents_are_enough(tmp_path: Path) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlp.classifier import FoldedTfidfIntentClassifier

    storage = LocalModelStorage(tmp_path)
    resource = Resource("two")
    component = FoldedTfidfIntentClassifier({}, storage, resource)
    two = {intent: TRAINING[intent] for intent in ("life_event_birth", "life_event_death")}
    component.train(TrainingData([Message.build(text=t, intent=i) for i, texts in two.items() for t in texts]))
    loaded = FoldedTfidfIntentClassifier.load({}, storage, resource, None)  # type: ignore[arg-type]
    np.testing.assert_allclose(loaded.probabilities(TEXTS), loaded.probabilities_sklearn(TEXTS), rtol=1e-9)
    message = Message.build(text="умерла бабушка")
    loaded.process([message])
    assert message.get("intent")["name"] == "life_event_death"


def test_of_two_situations_the_one_asked_about_comes_first(classifier: FoldedTfidfIntentClassifier) -> None:
    told, asked = "my father died", "how do we register that our baby was born"
    for text in (f"{told}, {asked}", f"{asked}, {told}"):
        whole = np.ones(len(classifier.classes))
        assert classifier.life_events_by_clause(text, whole) == ["birth", "death"], text
