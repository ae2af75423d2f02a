// The tenant's side of the quarantine crypto in the console, with WebCrypto: the tenant secret is read from the
// page's password field, used here and never sent to the center (the Blazor page does not bind that field).
// Formats are those of Lightshield.Quarantine: the private key is PEM "ENCRYPTED PRIVATE KEY" (PKCS#8, PBES2 with
// PBKDF2-HMAC-SHA256 and AES-256-CBC); an item's data key is RSA-OAEP-SHA256 over "LSQK" || item id (16 bytes) ||
// key; a restore key is RSA-OAEP-SHA256 to the agent over "LSRO" || item id (32 hex characters) || 0x00 || key; an
// original path is sealed as QuarantinePathSeal describes.
"use strict";
window.lightshieldQuarantine = (() => {
    const subtle = () => {
        if (!window.crypto || !window.crypto.subtle) {
            throw new Error("this page is not a secure context (open the console over https or on loopback): WebCrypto is unavailable");
        }
        return window.crypto.subtle;
    };
    const text = new TextEncoder();
    const oaep = { name: "RSA-OAEP", hash: "SHA-256" };
    const oids = {
        pbes2: "1.2.840.113549.1.5.13",
        pbkdf2: "1.2.840.113549.1.5.12",
        hmacSha256: "1.2.840.113549.2.9",
        aes256Cbc: "2.16.840.1.101.3.4.1.42",
    };
    const dataKeySize = 32;

    const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const toBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
    const fromHex = (hex) => Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
    const concat = (...parts) => {
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
        return all;
    };
    const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

    // A minimal DER reader: one element (tag, contents, where it ends), its children, an OID, a small integer.
    function element(bytes, at = 0) {
        if (at + 2 > bytes.length) throw new Error("truncated DER");
        const tag = bytes[at];
        let length = bytes[at + 1];
        let start = at + 2;
        if (length & 0x80) {
            const count = length & 0x7f;
            if (count < 1 || count > 3) throw new Error("unsupported DER length");
            length = 0;
            for (let i = 0; i < count; i++) length = length * 256 + bytes[start++];
        }
        if (start + length > bytes.length) throw new Error("truncated DER");
        return { tag, contents: bytes.subarray(start, start + length), end: start + length };
    }
    function children(parent, tag = 0x30) {
        if (parent.tag !== tag) throw new Error("unexpected DER element");
        const list = [];
        for (let at = 0; at < parent.contents.length; at = list[list.length - 1].end) list.push(element(parent.contents, at));
        return list;
    }
    function oid(e) {
        if (e.tag !== 0x06) throw new Error("expected an OID");
        const parts = [Math.min(2, Math.floor(e.contents[0] / 40)), e.contents[0] - 40 * Math.min(2, Math.floor(e.contents[0] / 40))];
        let value = 0;
        for (const b of e.contents.subarray(1)) {
            value = value * 128 + (b & 0x7f);
            if (!(b & 0x80)) { parts.push(value); value = 0; }
        }
        return parts.join(".");
    }
    function integer(e) {
        if (e.tag !== 0x02 || e.contents.length > 6) throw new Error("expected a small INTEGER");
        return e.contents.reduce((n, b) => n * 256 + b, 0);
    }
    function octets(e) {
        if (e.tag !== 0x04) throw new Error("expected an OCTET STRING");
        return e.contents;
    }
    function expectOid(e, expected, name) {
        if (oid(e) !== expected) throw new Error(`the private key is not encrypted with ${name}`);
    }

    // PKCS#8 EncryptedPrivateKeyInfo under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC): its parameters and ciphertext.
    function readEncryptedPrivateKey(pem) {
        const body = /-----BEGIN ENCRYPTED PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END ENCRYPTED PRIVATE KEY-----/.exec(pem);
        if (!body) throw new Error("the tenant's private key is not a PEM ENCRYPTED PRIVATE KEY");
        const [algorithm, data] = children(element(fromBase64(body[1].replace(/\s+/g, ""))));
        const [scheme, pbes2] = children(algorithm);
        expectOid(scheme, oids.pbes2, "PBES2");
        const [kdf, cipher] = children(pbes2);
        const [kdfOid, kdfParameters] = children(kdf);
        expectOid(kdfOid, oids.pbkdf2, "PBKDF2");
        const pbkdf2 = children(kdfParameters);
        const prf = pbkdf2[pbkdf2.length - 1];
        if (prf.tag !== 0x30) throw new Error("the private key does not name its PBKDF2 hash (HMAC-SHA1 is not accepted)");
        expectOid(children(prf)[0], oids.hmacSha256, "PBKDF2-HMAC-SHA256");
        const [cipherOid, iv] = children(cipher);
        expectOid(cipherOid, oids.aes256Cbc, "AES-256-CBC");
        return { salt: octets(pbkdf2[0]), iterations: integer(pbkdf2[1]), iv: octets(iv), ciphertext: octets(data) };
    }

    // A minimal DER writer for the one structure the console writes: EncryptedPrivateKeyInfo (PBES2).
    function tlv(tag, ...parts) {
        const body = concat(...parts);
        const n = body.length;
        const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
        return concat(new Uint8Array([tag, ...length]), body);
    }
    function oidDer(dotted) {
        const [a, b, ...rest] = dotted.split(".").map(Number);
        const bytes = [40 * a + b];
        for (const arc of rest) {
            const groups = [arc & 0x7f];
            for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
            bytes.push(...groups);
        }
        return tlv(0x06, new Uint8Array(bytes));
    }
    function integerDer(value) {
        const bytes = [];
        for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
        if (bytes.length === 0 || bytes[0] & 0x80) bytes.unshift(0);
        return tlv(0x02, new Uint8Array(bytes));
    }
    const pem = (label, der) => `-----BEGIN ${label}-----\n${toBase64(der).match(/.{1,64}/g).join("\n")}\n-----END ${label}-----\n`;

    async function passwordKey(secret, salt, iterations, usage) {
        const base = await subtle().importKey("raw", text.encode(secret), "PBKDF2", false, ["deriveKey"]);
        return subtle().deriveKey({ name: "PBKDF2", salt, iterations, hash: "SHA-256" }, base, { name: "AES-CBC", length: 256 }, false, [usage]);
    }

    // The tenant's private key, opened with the secret (an RSA-OAEP-SHA256 CryptoKey that cannot be exported).
    async function unlock(encryptedPrivateKeyPem, secret) {
        subtle(); // outside the try below: "no secure context" must not read as a wrong secret
        const key = readEncryptedPrivateKey(encryptedPrivateKeyPem);
        let pkcs8;
        try {
            const aes = await passwordKey(secret, key.salt, key.iterations, "decrypt");
            pkcs8 = new Uint8Array(await subtle().decrypt({ name: "AES-CBC", iv: key.iv }, aes, key.ciphertext));
            return await subtle().importKey("pkcs8", pkcs8, oaep, false, ["decrypt"]);
        } catch {
            throw new Error("wrong tenant secret (the quarantine key does not open with it)");
        } finally {
            pkcs8?.fill(0);
        }
    }

    // The item's 32-byte data key, after checking that the wrap names this item ("LSQK" || item id || key).
    async function unwrapDataKey(privateKey, itemId, wrappedDataKey) {
        let plain;
        try {
            plain = new Uint8Array(await subtle().decrypt(oaep, privateKey, wrappedDataKey));
        } catch {
            throw new Error("the item's key does not open with this tenant key");
        }
        const prefix = concat(text.encode("LSQK"), fromHex(itemId));
        if (plain.length !== prefix.length + dataKeySize || !sameBytes(plain.subarray(0, prefix.length), prefix)) {
            plain.fill(0);
            throw new Error("the wrapped key does not belong to this item");
        }
        const dataKey = plain.slice(prefix.length);
        plain.fill(0);
        return dataKey;
    }

    // The data key wrapped to the agent that holds the item (RestoreKeyWrap in Lightshield.Quarantine).
    async function wrapForAgent(agentPublicKey, itemId, dataKey) {
        const agent = await subtle().importKey("spki", agentPublicKey, oaep, false, ["encrypt"]);
        if (agent.algorithm.modulusLength < 2048) throw new Error("the agent's key is shorter than 2048 bits");
        const plain = concat(text.encode("LSRO"), text.encode(itemId), new Uint8Array([0]), dataKey);
        try {
            return new Uint8Array(await subtle().encrypt(oaep, agent, plain));
        } finally {
            plain.fill(0);
        }
    }

    // Reads and clears the password field, so the secret stays only as long as this call in the page.
    function takeSecret(inputId) {
        const input = document.getElementById(inputId);
        const secret = input ? input.value : "";
        if (input) input.value = "";
        if (!secret) throw new Error("enter the tenant secret");
        return secret;
    }

    // The original path sealed by the agent (QuarantinePathSeal): RSA-OAEP("LSQP" || item id || path key) || nonce ||
    // AES-256-GCM(path) || tag. Only this page holds the opened path.
    async function openPath(tenantKey, itemId, sealed) {
        const block = tenantKey.algorithm.modulusLength / 8;
        const bound = concat(text.encode("LSQP"), fromHex(itemId));
        const wrap = new Uint8Array(await subtle().decrypt(oaep, tenantKey, sealed.subarray(0, block)));
        try {
            if (wrap.length !== bound.length + 32 || !sameBytes(wrap.subarray(0, bound.length), bound)) {
                throw new Error("the sealed path does not belong to this item");
            }
            const pathKey = await subtle().importKey("raw", wrap.subarray(bound.length), "AES-GCM", false, ["decrypt"]);
            const plain = await subtle().decrypt({ name: "AES-GCM", iv: sealed.subarray(block, block + 12), additionalData: bound, tagLength: 128 },
                pathKey, sealed.subarray(block + 12));
            return new TextDecoder("utf-8", { fatal: true }).decode(plain);
        } finally {
            wrap.fill(0);
        }
    }

    // Paths are shown by attribute (td.item-path[data-path], CSS ::after), never as text Blazor renders: the page's
    // server never learns them, and a row Blazor reuses for another item loses its path as soon as its seal changes.
    let pathsKey = null;
    async function openCell(cell) {
        const sealed = cell.dataset.sealedPath;
        if (!sealed || cell.dataset.openedFor === sealed) return;
        delete cell.dataset.path;
        delete cell.dataset.openedFor;
        let path;
        try {
            path = await openPath(pathsKey, cell.dataset.itemId, fromBase64(sealed));
        } catch {
            path = "(cannot open: not sealed to this tenant key, or damaged)";
        }
        if (cell.dataset.sealedPath === sealed) {
            cell.dataset.path = path;
            cell.dataset.openedFor = sealed;
            cell.title = path;
        }
    }
    const openAll = () => document.querySelectorAll("td.item-path[data-sealed-path]").forEach(openCell);

    // A new tenant key pair: RSA-OAEP 3072 (SHA-256), the private key encrypted with the secret as .NET's
    // ImportFromEncryptedPem reads it (PBES2: PBKDF2-HMAC-SHA256, 600,000 rounds, AES-256-CBC).
    async function newKeyPair(secret) {
        const pair = await subtle().generateKey({ name: "RSA-OAEP", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
            true, ["encrypt", "decrypt"]);
        const spki = new Uint8Array(await subtle().exportKey("spki", pair.publicKey));
        const pkcs8 = new Uint8Array(await subtle().exportKey("pkcs8", pair.privateKey));
        try {
            const salt = crypto.getRandomValues(new Uint8Array(16));
            const iv = crypto.getRandomValues(new Uint8Array(16));
            const iterations = 600000;
            const aes = await passwordKey(secret, salt, iterations, "encrypt");
            const ciphertext = new Uint8Array(await subtle().encrypt({ name: "AES-CBC", iv }, aes, pkcs8));
            const info = tlv(0x30,
                tlv(0x30, oidDer(oids.pbes2), tlv(0x30,
                    tlv(0x30, oidDer(oids.pbkdf2), tlv(0x30, tlv(0x04, salt), integerDer(iterations), tlv(0x30, oidDer(oids.hmacSha256), new Uint8Array([5, 0])))),
                    tlv(0x30, oidDer(oids.aes256Cbc), tlv(0x04, iv)))),
                tlv(0x04, ciphertext));
            return { publicKeyPem: pem("PUBLIC KEY", spki), encryptedPrivateKeyPem: pem("ENCRYPTED PRIVATE KEY", info) };
        } finally {
            pkcs8.fill(0);
        }
    }

    return {
        // Makes the tenant's key pair in the browser from the secret typed twice; the center gets the public key and
        // the private key already encrypted.
        async createKey(secretInputId, againInputId, minimumLength) {
            const secret = takeSecret(secretInputId);
            const again = takeSecret(againInputId);
            if (secret !== again) throw new Error("the two secrets differ");
            if (secret.length < minimumLength) throw new Error(`the tenant secret must have at least ${minimumLength} characters`);
            return await newKeyPair(secret);
        },

        // Opens the tenant key with the secret in the page's field and shows every sealed path on the page, now and as
        // rows change. The key stays in this page only (a non-exportable CryptoKey) until it is closed or reloaded.
        async unlockPaths(secretInputId, encryptedPrivateKeyPem) {
            pathsKey = await unlock(encryptedPrivateKeyPem, takeSecret(secretInputId));
            openAll();
            new MutationObserver(openAll).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-sealed-path"] });
            return true;
        },

        // material: { encryptedPrivateKeyPem, itemId, wrappedDataKey (base64), agentPublicKey (base64 DER SPKI) }.
        // Returns the restore key for the agent, base64.
        async restoreKeyForAgent(secretInputId, material) {
            const privateKey = await unlock(material.encryptedPrivateKeyPem, takeSecret(secretInputId));
            const dataKey = await unwrapDataKey(privateKey, material.itemId, fromBase64(material.wrappedDataKey));
            try {
                return toBase64(await wrapForAgent(fromBase64(material.agentPublicKey), material.itemId, dataKey));
            } finally {
                dataKey.fill(0);
            }
        },
    };
})();
