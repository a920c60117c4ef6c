"""One docker-py session against a Docker host; prints one JSON line per step, IDs masked.

Usage: python3 session.py DOCKER_HOST PREFIX IMAGE NEXT_IMAGE PUBLISHED_PORT
"""

import sys
import time

import docker
from docker.types import (
    ConfigReference,
    EndpointSpec,
    Mount,
    Resources,
    RestartPolicy,
    SecretReference,
    UpdateConfig,
)
from steps import Steps, error_of, wait_until

host, prefix, image, next_image, port = sys.argv[1:6]
client = docker.DockerClient(base_url=host, version="auto")
steps = Steps(prefix)
step = steps.step


def retried(service, call):
    """The engine's updater writes the service too; an update from a stale version is retried."""
    for _ in range(50):
        try:
            return call()
        except docker.errors.APIError as error:
            if "update out of sequence" not in str(error):
                raise
            time.sleep(0.1)
            service.reload()
    return call()


cleanup = []
try:
    version = client.version()
    step("version", [sorted(version), sorted(version["Components"][0]["Details"])])
    step("info", sorted(client.info()))
    step("ping", client.ping())
    client.swarm.reload()
    step("swarm", sorted(client.swarm.attrs))
    step("managers", [n.attrs["Spec"]["Role"] for n in client.nodes.list(filters={"role": "manager"})][:1])

    secret = client.secrets.create(name=prefix + "-sec", data=b"s3cret", labels={prefix: ""})
    cleanup.append(secret.remove)
    step("secret", client.secrets.get(secret.id).attrs["Spec"])
    config = client.configs.create(name=prefix + "-cfg", data=b"key=value")
    cleanup.append(config.remove)
    step("config", client.configs.get(config.id).attrs["Spec"])
    network = client.networks.create(prefix + "-net", driver="overlay", attachable=True)
    cleanup.append(network.remove)
    # Docker 20.10 lists a new overlay with an empty Driver until its allocator has run.
    wait_until(lambda: client.networks.get(network.id).attrs["Driver"] != "")
    net = client.networks.get(network.id).attrs
    step("network", [net["Name"], net["Driver"], net["Scope"], net["Attachable"], sorted(net)])
    step("networks", [n.name for n in client.networks.list(names=[prefix + "-net"])])

    service = client.services.create(
        image,
        ["sh", "-c", "echo hello from P; sleep 1000"],
        name=prefix + "-svc",
        env=["A=1"],
        labels={prefix: "yes"},
        mounts=[Mount("/data", prefix + "-vol")],
        networks=[prefix + "-net"],
        secrets=[SecretReference(secret.id, prefix + "-sec")],
        configs=[ConfigReference(config.id, prefix + "-cfg")],
        endpoint_spec=EndpointSpec(ports={int(port): 80}),
        resources=Resources(cpu_limit=100000000, mem_limit=64 * 1024 * 1024),
        restart_policy=RestartPolicy(condition="on-failure", delay=1000000000, max_attempts=3),
        update_config=UpdateConfig(parallelism=1, delay=0),
    )
    cleanup.insert(0, service.remove)
    wait_until(lambda: any(t["Status"]["State"] == "running" for t in service.tasks()))
    service.reload()
    step("spec", service.attrs["Spec"])
    step("tasks", [t["Status"]["State"] for t in service.tasks()])
    wait_until(lambda: b"hello" in b"".join(service.logs(stdout=True)))
    step("logs", b"".join(service.logs(stdout=True)).decode())
    step("scale", retried(service, lambda: service.scale(2)))
    service.reload()
    step("replicas", service.attrs["Spec"]["Mode"])
    step("update", retried(service, lambda: service.update(image=next_image)))
    service.reload()
    step("image", service.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"])
    step("force", retried(service, service.force_update))
    service.reload()
    step("forced", service.attrs["Spec"]["TaskTemplate"]["ForceUpdate"])
    step("listed", [s.name for s in client.services.list(filters={"label": prefix})])

    step("no service", error_of(lambda: client.services.get(prefix + "-none")))
    step("no secret", error_of(lambda: client.secrets.get(prefix + "-none")))
    step("no config", error_of(lambda: client.configs.get(prefix + "-none")))
    step("no network", error_of(lambda: client.networks.get(prefix + "-none")))
    step("no node", error_of(lambda: client.nodes.get(prefix + "-none")))
    step("same service", error_of(lambda: client.services.create(image, name=prefix + "-svc")))
    step("same secret", error_of(lambda: client.secrets.create(name=prefix + "-sec", data=b"x")))
    step("secret in use", error_of(secret.remove))
finally:
    for remove in cleanup:
        for _ in range(50):
            try:
                remove()
                break
            except docker.errors.NotFound:
                break
            except docker.errors.APIError:
                # A network or secret stays in use until the service's tasks are gone.
                time.sleep(0.2)

# The named volume stays on the node once its containers are gone; the engine removes those
# after their stop grace period.
for _ in range(150):
    try:
        client.volumes.get(prefix + "-vol").remove()
        break
    except docker.errors.NotFound:
        break
    except docker.errors.APIError:
        time.sleep(0.2)

step("left over", [s.name for s in client.services.list(filters={"label": prefix})])
step("volume left over", [v.name for v in client.volumes.list(filters={"name": prefix})])
steps.print()
