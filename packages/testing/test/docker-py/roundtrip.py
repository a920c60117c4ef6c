"""docker-py's read-modify-write of the swarm and of a node, each twice, and the bodies the host
writes back, read raw so that their key order shows. Prints one JSON list of steps, IDs masked.
Leaves the swarm's spec and the node's as it found them.

Usage: python3 roundtrip.py DOCKER_HOST PREFIX
"""

import json
import sys
import time

import docker
from steps import Steps

host, prefix = sys.argv[1:3]
client = docker.DockerClient(base_url=host, version="auto")
api = client.api
steps = Steps(prefix, masks=[(r"\d{4}-\d\d-\d\dT[0-9:.]+Z", "<time>")])
step = steps.step


def raw(path):
    """The host's body as it wrote it: Python's dict keeps the order it was read in."""
    return json.loads(api._result(api._get(api._url(path))))


def shape(value):
    """Keys in the host's order, leaves as their JSON type: the swarm's values are its history."""
    if isinstance(value, dict):
        return [[k, shape(v)] for k, v in value.items()]
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def retried(call):
    """Another client may write the object between the read and the write: read and try again."""
    for _ in range(50):
        try:
            return call()
        except docker.errors.APIError as error:
            if "update out of sequence" not in str(error):
                raise
            time.sleep(0.1)
    return call()


# The swarm: docker-py's own spec (`create_swarm_spec`, in its key order) from the current values,
# then the inspected spec as it came.
before = raw("/swarm")["Spec"]
raft = before["Raft"]


def with_docker_py_spec():
    spec = api.create_swarm_spec(
        task_history_retention_limit=before["Orchestration"]["TaskHistoryRetentionLimit"],
        snapshot_interval=raft["SnapshotInterval"],
        keep_old_snapshots=raft["KeepOldSnapshots"],
        log_entries_for_slow_followers=raft["LogEntriesForSlowFollowers"],
        heartbeat_tick=raft["HeartbeatTick"],
        election_tick=raft["ElectionTick"],
        dispatcher_heartbeat_period=before["Dispatcher"]["HeartbeatPeriod"],
        node_cert_expiry=before["CAConfig"]["NodeCertExpiry"],
        name=before["Name"],
        labels=before["Labels"],
        autolock_managers=before["EncryptionConfig"]["AutoLockManagers"],
        log_driver=(before.get("TaskDefaults") or {}).get("LogDriver"),
    )
    return api.update_swarm(raw("/swarm")["Version"]["Index"], swarm_spec=spec)


step("update_swarm with docker-py's spec", retried(with_docker_py_spec))
after = raw("/swarm")["Spec"]
# docker-py's spec has no TaskDefaults: the engine writes it ({}) all the same, the fake not yet;
# and the fake keeps docker-py's Raft order (HeartbeatTick before ElectionTick).
step("swarm spec kept", after == before)
step("swarm spec as written", shape(after))
client.swarm.reload()
step(
    "update_swarm with the inspected spec",
    retried(lambda: api.update_swarm(raw("/swarm")["Version"]["Index"], swarm_spec=raw("/swarm")["Spec"])),
)
again = raw("/swarm")["Spec"]
step("swarm spec kept again", again == before)
step("swarm spec as written again", shape(again))

# The node: docker-py's documented spec order (Availability, Name, Role, Labels), then the high-level
# Node.update from what was stored. Other tests label the shared node too: only this run's label
# and the spec's keys are compared.
self_id = client.info()["Swarm"]["NodeID"]
node_before = raw(f"/nodes/{self_id}")["Spec"]
label = f"{prefix}.zone"


def docker_py_node_spec():
    current = raw(f"/nodes/{self_id}")
    spec = {
        "Availability": current["Spec"]["Availability"],
        "Role": current["Spec"]["Role"],
        "Labels": {**current["Spec"].get("Labels", {}), label: "a"},
    }
    return api.update_node(self_id, current["Version"]["Index"], spec)


step("update_node", retried(docker_py_node_spec))
stored = raw(f"/nodes/{self_id}")["Spec"]
step("node spec keys", list(stored))
step("node label", stored["Labels"].get(label))


def node_update_from_stored():
    node = client.nodes.get(self_id)
    spec = dict(node.attrs["Spec"])
    spec["Labels"] = {**spec["Labels"], label: "b"}
    return node.update(spec)


step("Node.update", retried(node_update_from_stored))
stored = raw(f"/nodes/{self_id}")["Spec"]
step("node spec keys again", list(stored))
step("node label again", stored["Labels"].get(label))


def restore_node():
    current = raw(f"/nodes/{self_id}")
    labels = {k: v for k, v in current["Spec"].get("Labels", {}).items() if k != label}
    return api.update_node(self_id, current["Version"]["Index"], {**current["Spec"], "Labels": labels})


retried(restore_node)
step("node label left over", raw(f"/nodes/{self_id}")["Spec"].get("Labels", {}).get(label))
step("node spec kept", {k: v for k, v in raw(f"/nodes/{self_id}")["Spec"].items() if k != "Labels"}
     == {k: v for k, v in node_before.items() if k != "Labels"})

steps.print()
