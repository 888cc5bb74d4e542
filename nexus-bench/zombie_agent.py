#!/usr/bin/env python3
"""A zombie agent for zombie-bench.sh: registers, keeps its connection (websockets answers the
server's pings) and never accepts a task. Prints one line per assignment: the task id and the
UTC time it arrived."""
import asyncio
import datetime
import json
import sys

import websockets


async def main(url: str, agent_id: str, token: str) -> None:
    async with websockets.connect(url, ping_interval=None) as socket:
        await socket.send(json.dumps({"type": "agent_register", "id": "r1", "agent_id": agent_id,
                                      "token": token, "protocol_version": 1}))
        async for raw in socket:
            frame = json.loads(raw)
            if frame.get("type") == "task_assigned":
                now = datetime.datetime.now(datetime.timezone.utc).isoformat()
                print(f"assigned {frame['task_id']} {now}", flush=True)
            elif frame.get("type") == "registered":
                print("registered", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
