"""spacy_tkre.OpenAICompatible.v1 against a local fake chat-completions server (no network)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from spacy_tkre.llm.endpoint_model import make_openai_compatible


@pytest.fixture
def server():
    seen = []
    failures = {"left": 1}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append((body, self.headers.get("Authorization")))
            if body["model"] == "flaky" and failures["left"]:
                failures["left"] -= 1
                return self._send(503, {"error": "busy"})
            if body["model"] == "missing":
                return self._send(404, {"error": "no such model"})
            content = "echo: " + body["messages"][-1]["content"]
            self._send(200, {"choices": [{"message": {"role": "assistant", "content": content}}]})

        def _send(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1/chat/completions", seen
    httpd.shutdown()


def test_prompts_are_sent_as_chat_messages_with_config(server, monkeypatch):
    url, seen = server
    monkeypatch.setenv("TEST_KEY", "secret")
    model = make_openai_compatible(endpoint=url, name="local", api_key_env="TEST_KEY", system_prompt="Be brief.")
    assert model([["a", "b"], []]) == [["echo: a", "echo: b"], []]
    body, auth = seen[0]
    assert body["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "a"}]
    assert body["temperature"] == 0.1 and body["top_p"] == 0.95
    assert auth == "Bearer secret"


def test_retries_server_errors_and_names_client_errors(server, monkeypatch):
    url, _ = server
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    assert make_openai_compatible(endpoint=url, name="flaky", api_key_env=None)([["x"]]) == [["echo: x"]]
    with pytest.raises(ValueError, match="refused the request \\(404"):
        make_openai_compatible(endpoint=url, name="missing", api_key_env=None)([["x"]])
    with pytest.raises(ValueError, match="failed 2 times"):
        make_openai_compatible(endpoint="http://127.0.0.1:9/v1/chat/completions", max_tries=2, timeout=1)([["x"]])
