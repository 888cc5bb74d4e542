package io.nexus.sdk;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Whether the agent is registered right now, for threads that wait for it.
 */
final class RegistrationStatus {

	private boolean registered;

	private boolean stopped;

	private @Nullable AgentRejectedException rejection;

	synchronized void registered(boolean registered) {
		this.registered = registered;
		notifyAll();
	}

	synchronized void rejected(AgentRejectedException rejection) {
		this.rejection = rejection;
		this.registered = false;
		notifyAll();
	}

	synchronized void stopped() {
		this.stopped = true;
		this.registered = false;
		notifyAll();
	}

	synchronized boolean isRegistered() {
		return this.registered;
	}

	/**
	 * Waits until the agent is registered, rejected or stopped.
	 * @param timeout how long to wait
	 * @return {@code true} if registered
	 * @throws InterruptedException if interrupted
	 * @throws AgentRejectedException if Nexus refused the credentials
	 */
	synchronized boolean await(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!this.registered && this.rejection == null && !this.stopped) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				break;
			}
			wait(Math.max(1, remaining / 1_000_000));
		}
		if (this.rejection != null) {
			throw new AgentRejectedException(this.rejection.getMessage());
		}
		return this.registered;
	}

}
