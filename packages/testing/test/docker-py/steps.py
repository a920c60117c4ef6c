"""What every docker-py session here shares: its steps recorded with IDs and the run's prefix
masked (so the engine's and the fake's can be compared), API errors captured as values, and
waiting for what takes a while on either side."""

import json
import re
import time

import docker

ID = re.compile(r"\b[0-9a-z]{25}\b")


class Steps:
    def __init__(self, prefix, masks=()):
        self.prefix = prefix
        # More (pattern, replacement) pairs, for values that differ by nature (addresses, times).
        self.masks = masks
        self.recorded = []

    def mask(self, value):
        text = ID.sub("<id>", json.dumps(value, sort_keys=True, default=str))
        for pattern, replacement in self.masks:
            text = re.sub(pattern, replacement, text)
        return json.loads(text.replace(self.prefix, "P"))

    def step(self, name, value):
        self.recorded.append({name: self.mask(value)})

    def print(self):
        print(json.dumps(self.recorded))


def error_of(call):
    try:
        call()
        return "no error"
    except docker.errors.APIError as error:
        return [type(error).__name__, error.status_code, error.explanation]


def wait_until(check):
    for _ in range(300):
        if check():
            return True
        time.sleep(0.1)
    return False
