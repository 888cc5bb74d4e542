package io.nexus.server.tasks.web;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.nexus.server.shared.OverloadedException;
import io.nexus.server.tasks.TaskProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Bounds how many create requests read, parse and check their bodies at once
 * ({@code nexus.tasks.create-readers}, half the processors by default). That is where a
 * burst of creation spends its CPU; without a bound, dozens of request threads would take
 * every core from dispatch and from agents' reports, and completions would stop while
 * tasks pour in. A request waits for its turn up to {@code nexus.tasks.create-read-wait},
 * then gets 503 {@code overloaded} with {@code Retry-After}, nothing stored. The turn
 * ends when the request's tasks are handed to the creation writer ({@link #leave}), not
 * when they are committed, so that waiting for the commit never holds it.
 */
@Component
class CreationGate implements HandlerInterceptor {

	private static final String HELD = CreationGate.class.getName() + ".held";

	private final Semaphore turns;

	private final long waitMillis;

	CreationGate(TaskProperties properties) {
		this.turns = new Semaphore(properties.effectiveCreateReaders(), true);
		this.waitMillis = properties.createReadWait().toMillis();
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws InterruptedException {
		if (!"POST".equals(request.getMethod())) {
			return true;
		}
		if (!this.turns.tryAcquire(this.waitMillis, TimeUnit.MILLISECONDS)) {
			throw new OverloadedException("Too many task creations are being read at once; send it again shortly", 1);
		}
		request.setAttribute(HELD, Boolean.TRUE);
		return true;
	}

	/**
	 * Ends the request's turn (once; later calls do nothing).
	 * @param request the request
	 */
	void leave(HttpServletRequest request) {
		if (request.getAttribute(HELD) != null) {
			request.removeAttribute(HELD);
			this.turns.release();
		}
	}

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable Exception ex) {
		leave(request);
	}

	/**
	 * Turns free now, for tests and metrics.
	 * @return free turns
	 */
	int free() {
		return this.turns.availablePermits();
	}

}
