#!/usr/bin/env python3
"""An independent verifier of the ledger layer of an Urna election record.

Written from docs/SPEC.md alone (sections 1.4-1.6, 2.1-2.3, 4 and 5.1-5.3), in
another language than Urna, so that a record that passes here and in `urna verify`
passes two readings of the specification. It checks, in the order of SPEC §4.7:
the authority's package signature, the validator keys, the station manifest, the
stations present, each station's enrollment and key, and for each log the
station-signed checkpoint, the validator cosignatures, the count of distinct
validators named in the package, and (ballot log) the Merkle root of the entries.
It does not replay the ballot rules, check ballot proofs or the tally.

Usage: verify_ledger.py RECORD_DIR
Exit 0 and "ledger verified: ..." when every check holds; exit 1 and one line
"FAIL <step> <check> [station <id>] [log <log>]: <message>" at the first failure,
with the step numbers and check names of SPEC §11; exit 2 when the verifier cannot
run (missing library).

Ed25519: python3-cryptography (Debian), plus the strictness rules of SPEC §4.3 in
pure Python.
"""
import base64
import hashlib
import json
import os
import re
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # pragma: no cover - reported to the caller
    sys.stdout.write("CANNOT RUN: the Python package 'cryptography' is missing (Debian: apt-get install python3-cryptography)\n")
    sys.exit(2)


class Failure(Exception):
    def __init__(self, check, message, station=None, log=None, file=None):
        super().__init__(message)
        self.check = check
        self.message = message
        self.station = station
        self.log = log
        self.file = file


# The steps of SPEC §11.3 that report the checks this verifier makes.
STEP_OF_CHECK = {
    "election-package": "V1",
    "validator-key": "V4",
    "station-manifest": "V5",
    "station-not-listed": "V6",
    "station-missing": "V6",
    "station-not-operated": "V6",
    "enrollment": "V7",
    "station-key": "V8",
    "checkpoint-signature": "V9",
    "cosignature": "V10",
    "cosignature-threshold": "V11",
    "log-root": "V12",
    "entry-schema": "V13",
}


def step_of_file(rel):
    """The step a missing or malformed file is reported at (SPEC §11, missing-file table)."""
    if rel is None:
        return "V6"
    exact = {"election.json": "V1", "guardians/key-ceremony.json": "V2", "guardians/joint-key": "V3", "station-manifest.json": "V5"}
    if rel in exact:
        return exact[rel]
    for prefix, step in (("validators/", "V4"),):
        if rel.startswith(prefix):
            return step
    for suffix, step in (("/enrollment.json", "V7"), ("/station.vkey", "V8"), ("/checkpoint", "V9"), ("/entries.jsonl", "V12")):
        if rel.endswith(suffix):
            return step
    return "V6"


def step_of(failure):
    if failure.check == "record-layout":
        return step_of_file(failure.file)
    # The manifest's disagreement with one station's enrollment (which names the station) is V18.
    if failure.check == "station-manifest" and failure.station is not None:
        return "V18"
    return STEP_OF_CHECK[failure.check]


ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}\Z")

# ---------------------------------------------------------------- encodings (SPEC §1.4, §4.3)


def b64_strict(text):
    """Standard padded base64 that re-encodes to itself; None otherwise."""
    if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) or len(text) % 4 != 0:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def b64url(data):
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def sha256(data):
    return hashlib.sha256(data).digest()


# ---------------------------------------------------------------- canonical JSON (SPEC §1.5, RFC 8785)


def canonical(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        raise ValueError("non-integer numbers are not used by the ledger layer")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(value[k]) for k in keys) + "}"
    raise ValueError("not a JSON value")


def check_no_lone_surrogates(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------- strict Ed25519 (SPEC §4.3)

P = 2**255 - 19
ELL = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _decode_point(encoded):
    """RFC 8032 §5.1.3 decoding, strict; returns extended coordinates or None."""
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    if (v * x * x - u) % P != 0:
        x = (x * SQRT_M1) % P
        if (v * x * x - u) % P != 0:
            return None
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, (x * y) % P)


def _double(pt):
    x1, y1, z1, _ = pt
    a = x1 * x1 % P
    b = y1 * y1 % P
    c = 2 * z1 * z1 % P
    h = (a + b) % P
    e = (h - (x1 + y1) * (x1 + y1)) % P
    g = (a - b) % P
    f = (c + g) % P
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _small_order(pt):
    for _ in range(3):
        pt = _double(pt)
    x, y, z, _ = pt
    return x % P == 0 and (y - z) % P == 0


def ed25519_verify(public_key, message, signature):
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode_point(public_key)
    if a is None or _decode_point(signature[:32]) is None:
        return False
    if int.from_bytes(signature[32:], "little") >= ELL:
        return False
    if _small_order(a):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# ---------------------------------------------------------------- keys and notes (SPEC §4.3)

CONTROL = re.compile("[\u0000-\u0009\u000b-\u001f]")
TYPE_ED25519 = 0x01
TYPE_COSIGNATURE = 0x04


def valid_key_name(name):
    return len(name) > 0 and not re.search(r"[\s+]", name) and not CONTROL.search(name)


def key_id(name, sig_type, public_key):
    digest = sha256(name.encode("utf-8") + bytes([0x0A, sig_type]) + public_key)
    return int.from_bytes(digest[:4], "big")


def parse_verifier_key(text):
    """Returns (name, key id, type, public key) or raises ValueError."""
    first = text.find("+")
    second = text.find("+", first + 1) if first >= 0 else -1
    if first < 0 or second < 0:
        raise ValueError("a verifier key is <name>+<id>+<key>")
    name, id_hex, material = text[:first], text[first + 1 : second], text[second + 1 :]
    if not valid_key_name(name):
        raise ValueError("invalid key name")
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
        raise ValueError("key id is not 8 lowercase hex digits")
    raw = b64_strict(material)
    if raw is None or len(raw) < 2:
        raise ValueError("key material is not strict base64")
    sig_type, public_key = raw[0], raw[1:]
    if sig_type not in (TYPE_ED25519, TYPE_COSIGNATURE):
        raise ValueError("unsupported signature type 0x%02x" % sig_type)
    if len(public_key) != 32:
        raise ValueError("public key is not 32 bytes")
    kid = int(id_hex, 16)
    if key_id(name, sig_type, public_key) != kid:
        raise ValueError("key id does not match the key")
    return {"name": name, "id": kid, "type": sig_type, "public": public_key}


def parse_note(note):
    """Returns (text, [(name, key id, signature bytes)]) or raises ValueError."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("note is not UTF-8")
    split = note.rfind("\n\n")
    if split < 0:
        raise ValueError("no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if CONTROL.search(text) or not check_no_lone_surrogates(text):
        raise ValueError("note text holds a control character or a lone surrogate")
    if block == "" or not block.endswith("\n") or CONTROL.search(block):
        raise ValueError("signature block must be non-empty, end in a newline and hold no control character")
    lines = block[:-1].split("\n")
    if len(lines) > 100:
        raise ValueError("more than 100 signatures")
    signatures = []
    for line in lines:
        if not line.startswith("\u2014 "):
            raise ValueError("signature line does not start with an em dash and a space")
        rest = line[2:]
        space = rest.find(" ")
        if space < 0:
            raise ValueError("signature line has no space after the key name")
        name = rest[:space]
        if not valid_key_name(name):
            raise ValueError("signature line has an invalid key name")
        raw = b64_strict(rest[space + 1 :])
        if raw is None or len(raw) < 5:
            raise ValueError("signature is not strict base64 of a key id and a signature")
        signatures.append((name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return text, signatures


def cosignature_holds(key, text, signature):
    if len(signature) != 72:
        return False
    timestamp = int.from_bytes(signature[:8], "big")
    if timestamp > 2**53 - 1:
        return False
    message = ("cosignature/v1\ntime %d\n" % timestamp).encode("utf-8") + text.encode("utf-8")
    return ed25519_verify(key["public"], message, signature[8:])


def signature_holds(key, text, signature):
    if key["type"] == TYPE_COSIGNATURE:
        return cosignature_holds(key, text, signature)
    return ed25519_verify(key["public"], text.encode("utf-8"), signature)


def open_note(note, keys):
    """Opens a note under the known keys (SPEC §4.3): returns (text, names verified)."""
    text, signatures = parse_note(note)
    verified = set()
    for name, kid, signature in signatures:
        known = [k for k in keys if k["name"] == name and k["id"] == kid]
        if not known:
            continue
        if not signature_holds(known[0], text, signature):
            raise ValueError("the signature by %s (key id %08x) does not verify" % (name, kid))
        verified.add(name)
    if not verified:
        raise ValueError("no signature from a known key")
    return text


# ---------------------------------------------------------------- checkpoints and Merkle tree (SPEC §4.2, §4.4)


def parse_checkpoint(text):
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise ValueError("a checkpoint has at least three lines")
    origin, size_line, root_line = lines[0], lines[1], lines[2]
    if origin == "":
        raise ValueError("empty origin line")
    if not re.fullmatch(r"(0|[1-9][0-9]*)", size_line) or int(size_line) > 2**53 - 1:
        raise ValueError("tree size is not a decimal without leading zeros")
    root = b64_strict(root_line)
    if root is None or len(root) != 32:
        raise ValueError("root hash is not base64 of 32 bytes")
    if any(line == "" for line in lines[3:]):
        raise ValueError("empty extension line")
    return origin, int(size_line), root


def merkle_root(leaves):
    """MTH over leaf hashes (RFC 6962 §2.1)."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:]))


# ---------------------------------------------------------------- the record (SPEC §4.6, §4.7, §5.1-5.3)


class Record:
    def __init__(self, root):
        self.root = root

    def path(self, rel):
        return os.path.join(self.root, *rel.split("/"))

    def text(self, rel, check="record-layout", station=None, log=None):
        try:
            with open(self.path(rel), "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise Failure(check, "%s is missing" % rel, station, log, rel)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise Failure("record-layout", "%s is not UTF-8" % rel, station, log, rel)

    def json(self, rel, station=None):
        try:
            return json.loads(self.text(rel, station=station))
        except json.JSONDecodeError:
            raise Failure("record-layout", "%s is not JSON" % rel, station, file=rel)


def signed_file(record, rel, fmt, authority, check, station=None):
    """A {format, note} file signed by the authority; returns the note's lines."""
    doc = record.json(rel, station)
    if not isinstance(doc, dict) or set(doc.keys()) != {"format", "note"} or doc["format"] != fmt or not isinstance(doc["note"], str):
        raise Failure(check, "%s is not a %s file" % (rel, fmt), station)
    try:
        text = open_note(doc["note"], [authority])
    except ValueError as e:
        raise Failure(check, "%s: %s" % (rel, e), station)
    return text[:-1].split("\n")


def open_package(record):
    package = record.json("election.json")
    if not isinstance(package, dict) or package.get("format") != "urna/election-package/v1" or set(package.keys()) != {"format", "definition", "authoritySignature"}:
        raise Failure("election-package", "election.json is not an urna/election-package/v1 file")
    definition = package["definition"]
    try:
        authority = parse_verifier_key(definition["authority"]["verifierKey"])
        if authority["type"] != TYPE_ED25519:
            raise ValueError("the authority key is not an Ed25519 (0x01) key")
        base_hash = sha256(canonical(definition).encode("utf-8"))
        text = open_note(package["authoritySignature"], [authority])
    except (ValueError, KeyError, TypeError) as e:
        raise Failure("election-package", "the authority's package signature: %s" % e)
    lines = text.split("\n")
    if len(lines) != 4 or lines[0] != "urna/election-package/v1" or lines[3] != "":
        raise Failure("election-package", "the signed text is not urna/election-package/v1, the election id and the base hash")
    signed_hash = b64_strict(lines[2])
    if signed_hash is None or len(signed_hash) != 32 or lines[1] != definition.get("electionId"):
        raise Failure("election-package", "the signed election id or base hash is malformed or not this election's")
    if signed_hash != base_hash:
        raise Failure("election-package", "the authority signed another definition (base hash differs)")
    validators_def = definition.get("validators", {})
    members = validators_def.get("members", [])
    t = validators_def.get("threshold")
    if not isinstance(t, int) or not members or not (1 <= t <= len(members)) or 2 * t <= len(members):
        raise Failure("election-package", "the validator threshold is not a strict majority of the validators")
    validators = []
    for m in members:
        try:
            key = parse_verifier_key(m["verifierKey"])
        except (ValueError, KeyError, TypeError) as e:
            raise Failure("election-package", "validator %s: %s" % (m.get("name"), e))
        if key["type"] != TYPE_COSIGNATURE or key["name"] != m["name"]:
            raise Failure("election-package", "validator %s: not a cosignature/v1 key named after the validator" % m["name"])
        validators.append(dict(key, verifierKey=m["verifierKey"]))
    if len({v["name"] for v in validators}) != len(validators) or len({v["verifierKey"] for v in validators}) != len(validators):
        raise Failure("election-package", "validator names or keys repeat")
    return definition, base_hash, authority, validators, t


def check_manifest(record, definition, base_hash, authority):
    lines = signed_file(record, "station-manifest.json", "urna/station-manifest/v1", authority, "station-manifest")
    head = ["urna/station-manifest/v1", "election " + definition["electionId"], "base " + b64url(base_hash)]
    if lines[:3] != head or len(lines) < 6 or not re.fullmatch(r"version [1-9][0-9]{0,14}", lines[3]) or lines[4] not in ("final yes", "final no"):
        raise Failure("station-manifest", "the manifest is not for this election and base hash, or its header is malformed")
    if lines[4] != "final yes":
        raise Failure("station-manifest", "the manifest is not final")
    precincts = {p["id"] for p in definition.get("precincts", [])}
    stations = {}
    previous = None
    for line in lines[5:]:
        parts = line.split(" ")
        if len(parts) != 4 or parts[0] != "station" or not ID_PATTERN.match(parts[1]) or parts[2] not in precincts:
            raise Failure("station-manifest", "malformed station line %r" % line)
        # Strictly increasing by UTF-16 code units (ids are ASCII, so by code points).
        if previous is not None and not parts[1] > previous:
            raise Failure("station-manifest", "station ids are not strictly increasing")
        try:
            parse_verifier_key(parts[3])
        except ValueError as e:
            raise Failure("station-manifest", "station %s: %s" % (parts[1], e))
        previous = parts[1]
        stations[parts[1]] = (parts[2], parts[3])
    return stations


def check_station_folders(record, listed, definition, base_hash, authority):
    present = sorted(os.listdir(record.path("stations"))) if os.path.isdir(record.path("stations")) else []
    for name in present:
        if name not in listed:
            raise Failure("station-not-listed", "stations/%s is not in the station manifest" % name, name)
    operating = []
    for sid in listed:
        folder = record.path("stations/" + sid)
        if not os.path.isdir(folder):
            raise Failure("station-missing", "the manifest lists %s but the record has no folder for it" % sid, sid)
        if os.path.exists(os.path.join(folder, "not-operated.json")):
            lines = signed_file(record, "stations/%s/not-operated.json" % sid, "urna/station-not-operated/v1", authority, "station-not-operated", sid)
            expected = ["urna/station-not-operated/v1", "election " + definition["electionId"], "base " + b64url(base_hash), "station " + sid]
            if lines != expected or os.listdir(folder) != ["not-operated.json"]:
                raise Failure("station-not-operated", "the not-operated statement is not for this station, or the folder holds more", sid)
            continue
        operating.append(sid)
    if not operating:
        raise Failure("record-layout", "the record holds no station that operated")
    return operating


def check_checkpoint(record, definition, station_key, validators, t, sid, log):
    rel = "stations/%s/%s/checkpoint" % (sid, log)
    note = record.text(rel, station=sid, log=log)
    origin_expected = "urna/%s/%s/%s" % (definition["electionId"], sid, log)
    try:
        text = open_note(note, [station_key])
        origin, size, root = parse_checkpoint(text)
    except ValueError as e:
        raise Failure("checkpoint-signature", "%s: %s" % (rel, e), sid, log)
    if origin != origin_expected:
        raise Failure("checkpoint-signature", "%s: origin %r, expected %r" % (rel, origin, origin_expected), sid, log)
    _, signatures = parse_note(note)
    cosigners = set()
    for name, kid, signature in signatures:
        validator = next((v for v in validators if v["name"] == name and v["id"] == kid), None)
        if validator is None:
            continue  # a key the package does not name: counts for nothing, fails nothing
        if not cosignature_holds(validator, text, signature):
            raise Failure("cosignature", "%s: the cosignature by validator %s does not verify" % (rel, name), sid, log)
        cosigners.add(name)
    if len(cosigners) < t:
        raise Failure(
            "cosignature-threshold",
            "%s: %d distinct validator(s) of the package cosigned (%s); %d needed" % (rel, len(cosigners), ", ".join(sorted(cosigners)) or "none", t),
            sid,
            log,
        )
    return size, root, sorted(cosigners)


def check_entries(record, sid, size, root):
    rel = "stations/%s/ballots/entries.jsonl" % sid
    with open(record.path(rel), "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        raise Failure("record-layout", "%s: the last line does not end with a newline" % rel, sid, "ballots", rel)
    lines = data[:-1].split(b"\n") if data else []
    if len(lines) != size:
        raise Failure("log-root", "%s holds %d entries, the signed checkpoint %d" % (rel, len(lines), size), sid, "ballots")
    computed = merkle_root([sha256(b"\x00" + line) for line in lines])
    if computed != root:
        raise Failure("log-root", "%s: the entries do not hash to the root the station signed" % rel, sid, "ballots")
    for i, line in enumerate(lines):
        try:
            value = json.loads(line.decode("utf-8"))
            ok = canonical(value) == line.decode("utf-8") and isinstance(value, dict)
            ok = ok and isinstance(value.get("type"), str) and re.fullmatch(r"[a-z][a-z0-9-]{0,62}", value["type"]) is not None
            ok = ok and isinstance(value.get("v"), int) and not isinstance(value.get("v"), bool) and value["v"] >= 1
        except (UnicodeDecodeError, json.JSONDecodeError, ValueError):
            ok = False
        if not ok:
            raise Failure("entry-schema", "%s entry %d is not canonical JSON with a type and a version" % (rel, i), sid, "ballots")
    return len(lines)


def verify(root):
    record = Record(root)
    if not os.path.isdir(root):
        raise Failure("record-layout", "%s is not a folder" % root)
    definition, base_hash, authority, validators, t = open_package(record)
    for v in validators:
        rel = "validators/%s.vkey" % v["name"]
        if record.text(rel).strip() != v["verifierKey"]:
            raise Failure("validator-key", "%s is not the key the package names for %s" % (rel, v["name"]))
    listed = check_manifest(record, definition, base_hash, authority)
    operating = check_station_folders(record, listed, definition, base_hash, authority)
    summary = []
    for sid in operating:
        lines = signed_file(record, "stations/%s/enrollment.json" % sid, "urna/station-enrollment/v1", authority, "enrollment", sid)
        if len(lines) != 5 or lines[0] != "urna/station-enrollment/v1" or lines[1] != "election " + definition["electionId"] or lines[2] != "station " + sid:
            raise Failure("enrollment", "the enrollment is not for this election and station", sid)
        if not lines[3].startswith("precinct ") or not lines[4].startswith("key "):
            raise Failure("enrollment", "malformed enrollment", sid)
        enrolled = lines[4][len("key ") :]
        try:
            station_key = parse_verifier_key(enrolled)
        except ValueError as e:
            raise Failure("enrollment", "the enrolled key: %s" % e, sid)
        if station_key["type"] != TYPE_ED25519:
            raise Failure("enrollment", "the enrolled key is not an Ed25519 (0x01) key", sid)
        if record.text("stations/%s/station.vkey" % sid, station=sid).strip() != enrolled:
            raise Failure("station-key", "station.vkey is not the key the authority enrolled", sid)
        sizes = {}
        for log in ("ballots", "pollbook"):
            size, root_hash, cosigners = check_checkpoint(record, definition, station_key, validators, t, sid, log)
            sizes[log] = (size, root_hash, cosigners)
        check_entries(record, sid, sizes["ballots"][0], sizes["ballots"][1])
        if listed[sid] != (lines[3][len("precinct ") :], enrolled):
            raise Failure("station-manifest", "the enrollment disagrees with the manifest's line for the station", sid)
        summary.append(
            "%s: ballots %d entries, pollbook size %d, cosigned by %s"
            % (sid, sizes["ballots"][0], sizes["pollbook"][0], ", ".join(sizes["ballots"][2]))
        )
    return definition["electionId"], t, summary


def main(argv):
    if len(argv) != 2:
        sys.stdout.write("usage: verify_ledger.py RECORD_DIR\n")
        return 2
    try:
        election, t, summary = verify(argv[1])
    except Failure as f:
        where = "".join([" station %s" % f.station if f.station else "", " log %s" % f.log if f.log else ""])
        sys.stdout.write("FAIL %s %s%s: %s\n" % (step_of(f), f.check, where, f.message))
        return 1
    sys.stdout.write("ledger verified: election %s, %d station(s), every checkpoint cosigned by at least %d validators of the package\n" % (election, len(summary), t))
    for line in summary:
        sys.stdout.write("  %s\n" % line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
