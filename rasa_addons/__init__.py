"""What runs inside the Rasa server besides Rasa itself, in one place.

- `channels`: the public widget channel and the Telegram bridge's channel, each owning its
  conversations (listed in credentials.yml);
- `tracker_store`: the embedded SQLite conversation store (endpoints.yml);
- `postgres_tracker_store`: Rasa's SQL store on PostgreSQL reading only what a turn needs, with
  the retention period (the scaled profile); `lock_store`: Rasa's Redis lock store made atomic;
- `speedups`: two patches to Rasa 3.6's server, applied once by `runner/serve_rasa.py`
  before Rasa starts (nothing here patches anything on import);
- `settings`: the environment variables the Rasa server process reads.

The NLU components stay in `nlp/` (config.yml and every trained model name them by their
module path, `nlp.components.…`, `nlp.classifier.…`: moving them would break loading the
models already trained).
"""
