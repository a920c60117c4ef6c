"""A service's task history through docker-py: scaled 3 -> 5 -> 2, an image and env update through
`Service.update`, a low-level `update_service` with the full spec, and `force_update()`. After
each step, once settled (bounded), the tasks kept per slot by desired and current state. Prints
one JSON list of steps, IDs masked.

Usage: python3 history.py DOCKER_HOST PREFIX IMAGE NEXT_IMAGE
"""

import sys
import time

import docker
from steps import Steps, wait_until

host, prefix, image, next_image = sys.argv[1:5]
client = docker.DockerClient(base_url=host, version="auto")
api = client.api
steps = Steps(prefix)
step = steps.step
STOPPED = {"complete", "shutdown", "failed", "rejected", "orphaned", "remove"}


def retried(service, call):
    """The engine's updater writes the service too; an update from a stale version is retried."""
    for _ in range(50):
        service.reload()
        try:
            return call()
        except docker.errors.APIError as error:
            if "update out of sequence" not in str(error):
                raise
            time.sleep(0.1)
    return call()


def settled(service):
    """The tasks, once every one is stopped (and a scaled-away slot's gone) or running the current
    spec, as many as wanted; None before."""
    service.reload()
    template = service.attrs["Spec"]["TaskTemplate"]
    wanted = service.attrs["Spec"]["Mode"]["Replicated"]["Replicas"]
    tasks = service.tasks()

    def current(task):
        spec = task["Spec"]
        return (
            task["Status"]["State"] == "running"
            and spec["ContainerSpec"].get("Env") == template["ContainerSpec"].get("Env")
            and spec["ContainerSpec"]["Image"] == template["ContainerSpec"]["Image"]
            and spec.get("ForceUpdate", 0) == template.get("ForceUpdate", 0)
        )

    running = [t for t in tasks if t["DesiredState"] == "running"]
    rest = all(
        current(t) if t["DesiredState"] == "running" else t["DesiredState"] != "remove" and t["Status"]["State"] in STOPPED
        for t in tasks
    )
    return tasks if rest and len(running) == wanted else None


def history(service):
    # The tasks judged settled are the ones reported: a second read could catch a later change.
    seen = []
    if not wait_until(lambda: seen.append(settled(service)) or seen[-1] is not None):
        return "never settled"
    slots = {}
    for t in seen[-1]:
        slots.setdefault(str(t["Slot"]), []).append(f'{t["DesiredState"]}/{t["Status"]["State"]}')
    return {slot: sorted(states) for slot, states in sorted(slots.items())}


def shut_down(service):
    return len([t for t in service.tasks() if t["DesiredState"] == "shutdown"])


# sleep as PID 1 ignores SIGTERM: stopped by SIGKILL, each task stops at once.
service = client.services.create(
    image,
    ["sleep", "3600"],
    name=f"{prefix}-hist",
    labels={prefix: ""},
    mode=docker.types.ServiceMode("replicated", replicas=3),
    stop_signal="SIGKILL",
)
try:
    step("created", history(service))
    retried(service, lambda: service.scale(5))
    step("scaled up", history(service))
    retried(service, lambda: service.scale(2))
    step("scaled down", history(service))
    retried(service, lambda: service.update(image=next_image, env=["STEP=1"]))
    step("image and env", history(service))

    def full_spec():
        spec = service.attrs["Spec"]
        template = dict(spec["TaskTemplate"])
        template["ContainerSpec"] = {**template["ContainerSpec"], "Env": ["STEP=2"]}
        return api.update_service(
            service.id,
            service.version,
            task_template=template,
            name=spec["Name"],
            labels={**spec.get("Labels", {}), "step": "2"},
            mode=spec["Mode"],
            update_config=spec.get("UpdateConfig"),
            rollback_config=spec.get("RollbackConfig"),
            endpoint_spec=spec.get("EndpointSpec"),
        )

    retried(service, full_spec)
    step("full spec", history(service))
    retried(service, service.force_update)
    step("forced", history(service))
    step("shut down", shut_down(service))
finally:
    service.remove()

wait_until(lambda: not client.services.list(filters={"label": prefix}))
step("left over", [s.name for s in client.services.list(filters={"label": prefix})])
steps.print()
