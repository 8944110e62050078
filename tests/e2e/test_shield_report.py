"""The shield's golden reports (written by tests/unit/test_shield_report.c)
checked against what STIX 2.1 requires of them: every object has its
required properties, identifiers are well formed (cyber-observables'
are the UUIDv5 of their contributing properties), references resolve,
timestamps are RFC 3339 UTC with milliseconds; and the JSON record
against its own documented shape (docs/shield.md)."""
import json
import os
import re
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "data", "shield")
SCO_NS = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
REQUIRED = {
    "identity": ["name", "created", "modified"],
    "indicator": ["pattern", "pattern_type", "valid_from", "created",
                  "modified"],
    "observed-data": ["first_observed", "last_observed", "number_observed",
                      "object_refs", "created", "modified"],
    "sighting": ["sighting_of_ref", "created", "modified"],
    "ipv4-addr": ["value"],
    "ipv6-addr": ["value"],
    "network-traffic": ["protocols"],
}
CONTRIBUTING = {
    "ipv4-addr": ["value"], "ipv6-addr": ["value"],
    "network-traffic": ["start", "end", "src_ref", "dst_ref", "src_port",
                        "dst_port", "protocols", "extensions"],
}


def load(name):
    with open(os.path.join(GOLDEN, name)) as f:
        return json.load(f)


def refs(obj):
    for k, v in obj.items():
        if k.endswith("_ref"):
            yield v
        elif k.endswith("_refs"):
            yield from v


def test_stix_bundle_is_valid_stix_2_1():
    bundle = load("report.stix.json")
    assert bundle["type"] == "bundle"
    assert bundle["id"].startswith("bundle--")
    ids = {o["id"] for o in bundle["objects"]}
    assert len(ids) == len(bundle["objects"])  # no object twice
    for o in bundle["objects"]:
        kind, _, u = o["id"].partition("--")
        assert kind == o["type"] and o["spec_version"] == "2.1"
        assert uuid.UUID(u).version in (4, 5)
        for prop in REQUIRED[o["type"]]:
            assert prop in o, (o["type"], prop)
        for k, v in o.items():
            if k in ("created", "modified", "valid_from", "first_observed",
                     "last_observed", "first_seen", "last_seen"):
                assert TS.match(v), (k, v)
            assert k in REQUIRED[o["type"]] or k in (
                "type", "spec_version", "id", "created_by_ref", "name",
                "identity_class", "indicator_types", "observed_data_refs",
                "where_sighted_refs", "count", "src_port", "dst_port",
                "first_seen", "last_seen", "description",
                "dst_ref", "src_ref") or k.startswith("x_vigil_"), k
        for r in refs(o):
            assert r in ids, (o["id"], r)
        if o["type"] in CONTRIBUTING:
            props = {k: o[k] for k in CONTRIBUTING[o["type"]] if k in o}
            name = json.dumps(props, sort_keys=True, separators=(",", ":"))
            assert u == str(uuid.uuid5(SCO_NS, name)), o
        if o["type"] == "observed-data":
            assert 1 <= o["number_observed"] <= 999999999
            assert o["first_observed"] <= o["last_observed"]
        if o["type"] == "indicator":
            assert o["pattern"].startswith("[") and o["pattern"].endswith("]")


def test_json_record_shape():
    rep = load("report.json")
    assert rep["format"] == "vigil-shield-attacks/1"
    ntp, syn = rep["attacks"]
    assert ntp["kind"] == "udp-amplification"
    assert ntp["signature"]["service"] == "ntp"
    assert ntp["state"] == "ended" and ntp["end"] > ntp["start"]
    assert [a["action"] for a in ntp["actions"]] == [
        "local-rule", "flowspec", "withdrawn"]
    roles = {s["address"]: s["role"] for s in ntp["sources"]["top"]}
    assert roles == {"1.1.1.1": "reflector", "8.8.8.8": "reflector",
                     "198.18.0.5": "spoofed"}
    assert abs(sum(s["share"] for s in ntp["sources"]["top"]) - 1) < 0.01
    assert syn["kind"] == "syn-flood" and syn["state"] == "active"
    assert syn["sources"]["spoofed_likely"]
    assert syn["sources"]["distinct_more_than_tracked"]
    assert syn["signature"]["destination_port"] == 80
