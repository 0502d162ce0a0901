// AES-256-GCM payload encryption in the format of Temporal's TypeScript encryption sample, so
// that the tests prove a TypeScript service reads what our worker encrypted: metadata
// `encoding: binary/encrypted` and `encryption-key-id: <id>`; data a 12-byte random nonce
// followed by the AES-GCM ciphertext, with its 16-byte tag, of the whole inner Payload
// serialized as protobuf. Payloads that are not encrypted pass through decoding.

'use strict';

const { webcrypto } = require('node:crypto');
const { METADATA_ENCODING_KEY, ValueError } = require('@temporalio/common');
const { temporal } = require('@temporalio/proto');

const ENCRYPTED = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const NONCE_BYTES = 12;
const TAG_BITS = 128;

class EncryptionCodec {
  /** A codec that encrypts with the 32-byte `key`, named `keyId`. */
  static async create(keyId, key) {
    const cryptoKey = await webcrypto.subtle.importKey('raw', key, { name: 'AES-GCM' }, false, [
      'encrypt',
      'decrypt',
    ]);
    return new EncryptionCodec(keyId, cryptoKey);
  }

  constructor(keyId, key) {
    this.keyId = keyId;
    this.key = key;
  }

  async encode(payloads) {
    return Promise.all(
      payloads.map(async (payload) => {
        const nonce = webcrypto.getRandomValues(new Uint8Array(NONCE_BYTES));
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const sealed = await webcrypto.subtle.encrypt(
          { name: 'AES-GCM', iv: nonce, tagLength: TAG_BITS },
          this.key,
          plain
        );
        return {
          metadata: {
            [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED),
            [KEY_ID]: Buffer.from(this.keyId),
          },
          data: Buffer.concat([nonce, new Uint8Array(sealed)]),
        };
      })
    );
  }

  async decode(payloads) {
    return Promise.all(
      payloads.map(async (payload) => {
        const encoding = payload.metadata && payload.metadata[METADATA_ENCODING_KEY];
        if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED) {
          return payload;
        }
        const keyId = Buffer.from(payload.metadata[KEY_ID] || []).toString();
        if (keyId !== this.keyId) {
          throw new ValueError(`unknown encryption key id ${JSON.stringify(keyId)}`);
        }
        const data = payload.data;
        const plain = await webcrypto.subtle.decrypt(
          { name: 'AES-GCM', iv: data.subarray(0, NONCE_BYTES), tagLength: TAG_BITS },
          this.key,
          data.subarray(NONCE_BYTES)
        );
        return temporal.api.common.v1.Payload.decode(new Uint8Array(plain));
      })
    );
  }
}

module.exports = { EncryptionCodec };
