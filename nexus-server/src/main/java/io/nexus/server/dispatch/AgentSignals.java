package io.nexus.server.dispatch;

import java.util.List;

import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Passes what agents do with their tasks to the {@link AgentSignalListener}s; a listener
 * that fails is logged and never fails the report, reaper round or frame that told it.
 */
@Component
public class AgentSignals {

	private static final Logger logger = LoggerFactory.getLogger(AgentSignals.class);

	private final List<AgentSignalListener> listeners;

	AgentSignals(List<AgentSignalListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Tells every listener one fact about an agent.
	 * @param agent the agent
	 * @param signal what it did
	 * @param task the task concerned
	 */
	public void emit(AgentId agent, AgentSignal signal, TaskId task) {
		for (AgentSignalListener listener : this.listeners) {
			try {
				listener.signal(agent, signal, task);
			}
			catch (RuntimeException ex) {
				logger.warn("Agent signal listener {} failed on {} of {}", listener.getClass().getSimpleName(), signal,
						agent, ex);
			}
		}
	}

}
