"""A client of `loci serve` (the standard library's urllib; no extra dependency)."""
from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request


class ServerError(RuntimeError):
    """The server answered with an error status: the status and its message."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status, self.message = status, message


class Client:
    """``Client("http://127.0.0.1:8080").query("photo.jpg")`` → the ranking as a dict."""

    def __init__(self, url: str, timeout: float = 60):
        self.url, self.timeout = url.rstrip("/"), timeout

    def _request(self, path: str, body: bytes | None = None, content_type: str = "application/octet-stream") -> dict:
        request = urllib.request.Request(self.url + path, data=body, method="POST" if body is not None else "GET",
                                         headers={"Content-Type": content_type} if body is not None else {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            try:
                message = json.loads(text)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = text
            raise ServerError(error.code, message) from None

    @staticmethod
    def _body(image_or_features) -> bytes:
        if isinstance(image_or_features, (bytes, bytearray)):
            return bytes(image_or_features)
        with open(os.fspath(image_or_features), "rb") as f:
            return f.read()

    def health(self) -> dict:
        return self._request("/health")

    def stats(self) -> dict:
        return self._request("/stats")

    def query(self, image_or_features, top: int = 10, rerank: str | None = None, shortlist: int | None = None) -> dict:
        """Queries with an image or a `.lfeat` file (a path or its bytes)."""
        parameters = {"top": top}
        if rerank:
            parameters["rerank"] = rerank
        if shortlist:
            parameters["shortlist"] = shortlist
        return self._request("/query?" + urllib.parse.urlencode(parameters), self._body(image_or_features))

    def verify(self, a, b, method: str = "hpm") -> dict:
        """Verifies two images or `.lfeat` files (paths or bytes)."""
        payload = {"a": base64.b64encode(self._body(a)).decode(), "b": base64.b64encode(self._body(b)).decode(),
                   "method": method}
        return self._request("/verify", json.dumps(payload).encode(), "application/json")
