"""AES-256-GCM payload encryption in the shape of Temporal's Python encryption sample.

The wire format is the sample's: metadata `encoding: binary/encrypted` and
`encryption-key-id: <id>`; data a 12-byte random nonce followed by the AES-GCM ciphertext of
the serialized inner Payload. Payloads that are not encrypted pass through decoding unless
`strict`, which the tests use to prove that a peer encrypted what it sent.
"""

import os
from typing import Iterable, List

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCRYPTED = b"binary/encrypted"
NONCE_BYTES = 12


class EncryptionCodec(PayloadCodec):
    def __init__(self, key_id: str, key: bytes, strict: bool = False) -> None:
        self.key_id = key_id
        self.cipher = AESGCM(key)
        self.strict = strict

    async def encode(self, payloads: Iterable[Payload]) -> List[Payload]:
        out = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            sealed = self.cipher.encrypt(nonce, payload.SerializeToString(), None)
            out.append(
                Payload(
                    metadata={
                        "encoding": ENCRYPTED,
                        "encryption-key-id": self.key_id.encode(),
                    },
                    data=nonce + sealed,
                )
            )
        return out

    async def decode(self, payloads: Iterable[Payload]) -> List[Payload]:
        out = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCRYPTED:
                if self.strict:
                    raise ValueError("a payload arrived unencrypted")
                out.append(payload)
                continue
            key_id = payload.metadata.get("encryption-key-id", b"").decode()
            if key_id != self.key_id:
                raise ValueError(f"unknown encryption key id {key_id!r}")
            plain = self.cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], None)
            out.append(Payload.FromString(plain))
        return out
