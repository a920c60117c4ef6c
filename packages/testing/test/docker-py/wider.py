"""A second docker-py session, wider than the first: mounts and endpoint specs as docker-py builds
them, list order and filters, scaling down, stale versions, verbose network inspect, token
rotation. Prints one JSON list of steps, IDs masked. Leaves the swarm's spec as it found it.

Usage: python3 wider.py DOCKER_HOST PREFIX IMAGE PUBLISHED_PORT
"""

import sys

import docker
from docker.types import EndpointSpec, Mount, RestartPolicy, ServiceMode, UpdateConfig
from steps import Steps, error_of, wait_until

host, prefix, image, port = sys.argv[1:5]
client = docker.DockerClient(base_url=host, version="auto")
api = client.api
steps = Steps(
    prefix,
    masks=[
        (r"\b[0-9a-f]{64}\b", "<hex64>"),
        (r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(/\d+)?\b", "<ip>"),
        (r"\d{4}-\d\d-\d\dT[0-9:.]+Z", "<time>"),
    ],
)
step = steps.step


def in_id_order(items, key):
    ids = [key(item) for item in items]
    return ids == sorted(ids)


def removed(network):
    try:
        network.remove()
        return True
    except docker.errors.NotFound:
        return True
    except docker.errors.APIError:
        return False


def running(service):
    return [t for t in service.tasks() if t["Status"]["State"] == "running"]


labels = {prefix: ""}
net = client.networks.create(f"{prefix}-net", driver="overlay", labels=labels)
mounts = [
    Mount("/data", f"{prefix}-vol", labels={"a": "b"}, driver_config=None),
    Mount("/host", "/tmp", type="bind", read_only=True, propagation="rprivate"),
    Mount("/scratch", None, type="tmpfs", tmpfs_size=1 << 20),
]
web = client.services.create(
    image,
    ["sleep", "600"],
    name=f"{prefix}-web",
    labels=labels,
    mode=ServiceMode("replicated", replicas=3),
    mounts=mounts,
    networks=[net.id],
    endpoint_spec=EndpointSpec(ports={int(port): 80}),
    restart_policy=RestartPolicy(condition="on-failure", max_attempts=2),
    update_config=UpdateConfig(parallelism=2, order="start-first"),
    env=["A=1"],
    hostname="web-{{.Task.Slot}}",
    stop_grace_period=1_000_000_000,
)
step("created spec", web.attrs["Spec"])
# The engine's allocator writes the endpoint a moment after the create returns.
wait_until(lambda: web.reload() or web.attrs["Endpoint"].get("VirtualIPs"))
step("allocated endpoint", web.attrs["Endpoint"])
wait_until(lambda: len(running(web)) == 3)
step("running tasks", sorted(t["Slot"] for t in running(web)))
step("tasks listed in ID order", in_id_order(web.tasks(), lambda t: t["ID"]))
step("tasks by desired state", len(web.tasks(filters={"desired-state": "running"})))
step("tasks by name", sorted(t["Slot"] for t in web.tasks(filters={"name": f"{prefix}-web.2"})))
step("tasks attached", sorted(len(t.get("NetworksAttachments") or []) for t in running(web)))

other = client.services.create(image, ["sleep", "600"], name=f"{prefix}-other", labels=labels, mode="global")
wait_until(lambda: len(running(other)) == 1)
listed = client.services.list(filters={"label": prefix})
step("services listed", sorted(s.name for s in listed))
step("services listed in ID order", in_id_order(listed, lambda s: s.id))
step("services by mode", [s.name for s in client.services.list(filters={"mode": "global", "label": prefix})])
step("nodes by role", len(client.nodes.list(filters={"role": "manager"})))
step("nodes by bogus role", error_of(lambda: client.nodes.list(filters={"role": "bogus"})))

# The network as the node running the tasks shows it, and with every service on it.
inspected = api.inspect_network(net.id)
step("network containers", sorted(c["Name"].split(".")[0] for c in (inspected.get("Containers") or {}).values()))
step("network peers", len(inspected.get("Peers") or []))
verbose = api.inspect_network(net.id, verbose=True)
services = verbose.get("Services") or {}
step("network services", {name: len(s["Tasks"]) for name, s in services.items()})

# A version read before another update is refused.
web.reload()
stale = web.attrs["Version"]["Index"]
web.update(labels={**labels, "stage": "2"})
spec = web.attrs["Spec"]
# docker-py sends the task template again, so the tasks are replaced: let that finish.
wait_until(lambda: web.reload() or (web.attrs.get("UpdateStatus") or {}).get("State") == "completed")
step(
    "update from a stale version",
    error_of(
        lambda: api.update_service(
            web.id, stale, task_template=spec["TaskTemplate"], name=web.name, labels=labels, mode=spec["Mode"]
        )
    ),
)

# Scaling down: the removed slots' tasks (desired state remove) are deleted once stopped, their
# history stays until the next reconcile (here the scale up) deletes the slots.
web.reload()
web.scale(1)
# Right after the scale the orchestrator may not have marked any task yet (no "remove" at all),
# so wait for the end state itself: one task meant to run and none still being removed.
def scaled_down():
    desired = [t["DesiredState"] for t in web.tasks()]
    return desired.count("running") == 1 and desired.count("remove") == 0
wait_until(scaled_down)
# Which slot stays is swarmkit's choice among equally loaded ones: slots are not compared.
step("tasks after scaling down", sorted(t["DesiredState"] for t in web.tasks()))
step("slots after scaling down", len({t["Slot"] for t in web.tasks()}))
web.reload()
web.scale(2)
wait_until(lambda: len(running(web)) == 2)
step("tasks after scaling up", sorted(t["DesiredState"] for t in web.tasks()))
step("slots after scaling up", len({t["Slot"] for t in web.tasks()}))

# Token rotation changes only the token asked for. The current spec goes back unchanged:
# docker-py's `swarm.update()` would send its own defaults and reset the shared engine's spec.
client.swarm.reload()
before = client.swarm.attrs["JoinTokens"]
spec_before = client.swarm.attrs["Spec"]
api.update_swarm(client.swarm.version, spec_before, rotate_worker_token=True)
client.swarm.reload()
after = client.swarm.attrs["JoinTokens"]
step("rotated", [before["Worker"] != after["Worker"], before["Manager"] == after["Manager"]])
step("spec kept", client.swarm.attrs["Spec"] == spec_before)

for service in (web, other):
    service.remove()
wait_until(lambda: not client.services.list(filters={"label": prefix}))
# The network can go once the tasks have; the engine lists it for a moment after.
wait_until(lambda: removed(net))
wait_until(lambda: not client.networks.list(filters={"label": prefix}))
step("left over", [n.name for n in client.networks.list(filters={"label": prefix})])


def volume_removed():
    try:
        client.volumes.get(f"{prefix}-vol").remove()
        return True
    except docker.errors.NotFound:
        return True
    except docker.errors.APIError:
        return False


# The named volume stays on the node once the containers that used it are gone.
wait_until(volume_removed)
step("volume left over", [v.name for v in client.volumes.list(filters={"name": prefix})])
steps.print()
