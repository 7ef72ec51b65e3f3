"""The language layer under Rasa's NLU: text folding, the offline spaCy pipeline and its Rasa components."""
