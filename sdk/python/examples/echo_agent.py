"""An agent that echoes each task's payload: AGENT_ID=... AGENT_TOKEN=nxa_... python3 echo_agent.py"""

import asyncio
import logging
import os

from nexus_agent import NexusAgent, TaskContext


async def handle(task: TaskContext) -> dict:
    task.progress(50, "working")
    await asyncio.sleep((task.payload or {}).get("seconds", 1))  # the real work goes here
    return {"echo": task.payload}


async def main() -> None:
    agent = NexusAgent(
        server_uri=os.environ.get("NEXUS_WS", "ws://localhost:4100/ws"),
        agent_id=os.environ["AGENT_ID"],
        token=os.environ["AGENT_TOKEN"],
        capabilities=["automation"],
        handler=handle,
    )
    await agent.run()  # until SIGTERM or Ctrl-C, then drains: running tasks finish first


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main())
