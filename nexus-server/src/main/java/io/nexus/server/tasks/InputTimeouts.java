package io.nexus.server.tasks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ends the waits for input whose {@code input_timeout} passed, every
 * {@code nexus.tasks.input-sweep-interval} on every node; each wait ends once, whichever
 * node gets there first ({@link TaskInputs#expire}).
 */
@Component
class InputTimeouts {

	private static final Logger logger = LoggerFactory.getLogger(InputTimeouts.class);

	private final TaskInputs inputs;

	InputTimeouts(TaskInputs inputs) {
		this.inputs = inputs;
	}

	@Scheduled(fixedDelayString = "${nexus.tasks.input-sweep-interval:5s}")
	void sweep() {
		try {
			for (InputQuestion question : this.inputs.expired(100)) {
				if (this.inputs.expire(question)) {
					logger.info("Task {} waited for input past its timeout ({}); its failure policy applies",
							question.taskId(), question.expiresAt());
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Input timeout sweep failed; it runs again shortly", ex);
		}
	}

}
