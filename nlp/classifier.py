"""`FoldedTfidfIntentClassifier`: the assistant's intent classifier, a Rasa graph component.

TF-IDF over character 1–4-grams of the folded text (no case, no diacritics)
plus folded word stems, and three linear models over them whose probabilities
are averaged: a multinomial logistic regression, a linear SVM (its scores
through a softmax) and a complement naive Bayes. The average beat each model
alone under cross-validation on the training data (docs/nlu.md); it trains in
seconds and parses in well under a millisecond.

The trained model is stored as plain arrays and vocabularies (JSON + NumPy),
not pickles, so loading a model runs no code from it.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from folding import fold, stems

log = logging.getLogger(__name__)
LIFE_EVENTS_KEY = "life_events"  # in the parse result: the life events named clause by clause
CLAUSE_BREAK = re.compile(r"[,;.!?]+|\s(?:and|then|also|si|și|apoi|iar|и|а|потом|также|ещё|еще)\s", re.IGNORECASE)
CLAUSE_MIN_WORDS = 2
REQUEST = re.compile(  # a clause that asks for something: its situation is the one to guide first
    r"\b(?:want|wants|need|needs|how|what|vreau|vrea|vrem|trebuie|cum|ce|хочу|хочет|хотим|надо|нужно|как|что)\b",
    re.IGNORECASE,
)
CLAUSE_MIN_CONFIDENCE = 0.7  # the clause is clearly about this life event ...
WHOLE_MIN_CONFIDENCE = 0.05  # ... and the whole message lends it some weight too


def _one_row_per_class(coef: np.ndarray, intercept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sklearn keeps one row for two classes (the second's score); the softmax needs both."""
    if coef.shape[0] == 1:
        return np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    return coef, intercept


def _vectorizers() -> list[TfidfVectorizer]:
    return [
        TfidfVectorizer(preprocessor=fold, analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, dtype=np.float64),
        TfidfVectorizer(analyzer=stems, sublinear_tf=True, dtype=np.float64),
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FoldedTfidfIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 10.0,  # logistic regression
            "max_iter": 3000,
            "svm_C": 0.5,
            "svm_scale": 5.0,  # the SVM's scores are multiplied by this before the softmax
            "nb_alpha": 0.3,
            "random_state": 42,
            "ranking_length": 10,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizers: list[TfidfVectorizer] = []
        self.classes: list[str] = []
        self.coef: np.ndarray | None = None  # (models, classes, features)
        self.intercept: np.ndarray | None = None  # (models, classes)
        self.scales: np.ndarray | None = None  # (models,)
        self._weights: np.ndarray | None = None
        self._blocks: list[tuple[Any, dict[str, int], np.ndarray, int]] = []

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FoldedTfidfIntentClassifier:
        return cls(config, model_storage, resource)

    # -- training ------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        texts = [e.get(TEXT) for e in examples]
        labels = [e.get(INTENT) for e in examples]
        self.vectorizers = _vectorizers()
        features = hstack([v.fit_transform(texts) for v in self.vectorizers]).tocsr()
        seed = self.config["random_state"]
        regression = LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"], random_state=seed)
        svm = LinearSVC(C=self.config["svm_C"], random_state=seed)
        bayes = ComplementNB(alpha=self.config["nb_alpha"])
        for model in (regression, svm, bayes):
            model.fit(features, labels)
        self.classes = [str(c) for c in regression.classes_]
        linear = [
            _one_row_per_class(regression.coef_, regression.intercept_),
            _one_row_per_class(svm.coef_, svm.intercept_),
            (bayes.feature_log_prob_, np.zeros(len(self.classes))),  # its joint log-likelihood is X · this
        ]
        self.coef = np.stack([coef for coef, _ in linear])
        self.intercept = np.stack([intercept for _, intercept in linear])
        self.scales = np.array([1.0, float(self.config["svm_scale"]), 1.0])
        self.persist()
        return self._resource

    def persist(self) -> None:
        assert self.coef is not None and self.intercept is not None and self.scales is not None
        with self._model_storage.write_to(self._resource) as directory:
            vocabularies = [{k: int(i) for k, i in v.vocabulary_.items()} for v in self.vectorizers]
            (directory / "vocabularies.json").write_text(
                json.dumps({"classes": self.classes, "vocabularies": vocabularies}, ensure_ascii=False),
                encoding="utf-8",
            )
            np.savez(
                directory / "weights.npz",
                coef=self.coef,
                intercept=self.intercept,
                scales=self.scales,
                **{f"idf{i}": v.idf_ for i, v in enumerate(self.vectorizers)},
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FoldedTfidfIntentClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "vocabularies.json").read_text(encoding="utf-8"))
                weights = np.load(directory / "weights.npz", allow_pickle=False)
                component.vectorizers = _vectorizers()
                for i, (vectorizer, vocabulary) in enumerate(
                    zip(component.vectorizers, meta["vocabularies"], strict=True)
                ):
                    vectorizer.vocabulary_ = vocabulary
                    vectorizer.idf_ = weights[f"idf{i}"]
                component.classes = meta["classes"]
                component.coef, component.intercept = weights["coef"], weights["intercept"]
                component.scales = weights["scales"]
        except (ValueError, FileNotFoundError):
            log.debug("No trained intent classifier in the model; it will predict nothing.")
        return component

    # -- prediction ----------------------------------------------------------------
    def _prepare(self) -> None:
        """Weights as one contiguous (features x models*classes) array, and each vectorizer's analyzer."""
        assert self.coef is not None
        models, classes, features = self.coef.shape
        self._weights = np.ascontiguousarray(self.coef.reshape(models * classes, features).T)
        self._blocks = []
        offset = 0
        for vectorizer in self.vectorizers:
            self._blocks.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)

    def scores(self, text: str) -> np.ndarray:
        """Each model's class scores for one text, (models, classes): what `TfidfVectorizer.transform`
        and the products compute, in plain Python over the few features the text has (sklearn's
        per-call checks cost 50x more)."""
        if self._weights is None:
            self._prepare()
        assert self._weights is not None and self.intercept is not None
        rows: list[int] = []
        values: list[float] = []
        for analyze, vocabulary, idf, offset in self._blocks:
            counts: dict[int, int] = {}
            for feature in analyze(text):
                index = vocabulary.get(feature)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[indices]
            weights /= np.sqrt(weights @ weights)  # l2 norm per vectorizer, as sklearn
            rows.extend((indices + offset).tolist())
            values.extend(weights.tolist())
        scores = self.intercept.astype(np.float64)
        if rows:
            scores = scores + (np.asarray(values) @ self._weights[rows]).reshape(scores.shape)
        return scores

    def _combine(self, scores: np.ndarray) -> np.ndarray:
        """The average of the models' softmax probabilities; `scores` is (texts, models, classes)."""
        assert self.scales is not None
        scaled = scores * self.scales[None, :, None]
        scaled -= scaled.max(axis=2, keepdims=True)
        exp = np.exp(scaled)
        return (exp / exp.sum(axis=2, keepdims=True)).mean(axis=1)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        return self._combine(np.stack([self.scores(text) for text in texts]))

    def probabilities_sklearn(self, texts: list[str]) -> np.ndarray:
        """The same through sklearn's transform (the reference the fast path is tested against)."""
        assert self.coef is not None and self.intercept is not None
        features = hstack([v.transform(texts) for v in self.vectorizers]).tocsr()
        models, classes, width = self.coef.shape
        scores = np.asarray(features @ self.coef.reshape(models * classes, width).T) + self.intercept.reshape(-1)
        return self._combine(scores.reshape(len(texts), models, classes))

    def process(self, messages: list[Message]) -> list[Message]:
        if self.coef is None or not messages:
            return messages
        probabilities = self.probabilities([m.get(TEXT) or "" for m in messages])
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)[: self.config["ranking_length"]]
            ranking = [{"name": self.classes[i], "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            life_events = self.life_events_by_clause(message.get(TEXT) or "", row)
            message.set(LIFE_EVENTS_KEY, life_events, add_to_output=True)
        return messages

    def life_events_by_clause(self, text: str, whole: np.ndarray) -> list[str]:
        """Two situations in one message ("we got married in Romania and moved to Chișinău"):
        each clause classified on its own; the life events that are clearly the top intent of
        one, the one a clause asks about first ("i am on pension now and want to close my shop":
        closing the business, then retirement), else in order. Empty for a message of one clause."""
        clauses = [c for c in CLAUSE_BREAK.split(text) if len(c.split()) >= CLAUSE_MIN_WORDS]
        if len(clauses) < 2:
            return []
        found: list[str] = []
        asked: set[str] = set()
        for clause, row in zip(clauses, self.probabilities(clauses), strict=True):
            best = int(np.argmax(row))
            name = self.classes[best]
            event = name[len("life_event_") :].replace("_", "-")
            clear = row[best] >= CLAUSE_MIN_CONFIDENCE and whole[best] >= WHOLE_MIN_CONFIDENCE
            if name.startswith("life_event_") and clear:
                found += [event] if event not in found else []
                asked |= {event} if REQUEST.search(clause) else set()
        return sorted(found, key=lambda event: event not in asked)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
