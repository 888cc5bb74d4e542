package io.nexus.server.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import io.nexus.server.audit.persistence.AuditRepository;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records security-relevant events. Each event is appended to the hash chain of
 * {@code audit_log} ({@link AuditChain}) in a transaction of its own (so that a refused
 * attempt is kept even when the request's own work rolls back) and written as a
 * structured log line, with its position and hash, to the logger {@code nexus.audit}.
 * Nothing here ever receives a secret.
 */
@Service
public class AuditLog {

	/** The outcome of an action that was done. */
	public static final String SUCCESS = "success";

	/** The outcome of an attempt that failed, such as a wrong password. */
	public static final String FAILURE = "failure";

	/** The outcome of an attempt that was not allowed. */
	public static final String DENIED = "denied";

	private static final int MAX_DETAIL = 500;

	private final AuditRepository entries;

	private static final int EXPORT_PAGE = 500;

	private final AuditChain chain;

	private final Clock clock;

	AuditLog(AuditRepository entries, AuditChain chain, Clock clock) {
		this.entries = entries;
		this.chain = chain;
		this.clock = clock;
	}

	/**
	 * Records an action of the current caller (the authenticated principal of this
	 * thread, from the address of the current request).
	 * @param action what happened
	 * @param target what it was done to, or {@code null}
	 * @param outcome {@link #SUCCESS}, {@link #FAILURE} or {@link #DENIED}
	 * @param detail a short explanation, or {@code null}
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void record(String action, @Nullable String target, String outcome, @Nullable String detail) {
		recordAs(currentActor(), action, target, outcome, detail);
	}

	/**
	 * Records an action of a named actor, such as the user name of a login attempt.
	 * @param actor who did it
	 * @param action what happened
	 * @param target what it was done to, or {@code null}
	 * @param outcome {@link #SUCCESS}, {@link #FAILURE} or {@link #DENIED}
	 * @param detail a short explanation, or {@code null}
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void recordAs(String actor, String action, @Nullable String target, String outcome,
			@Nullable String detail) {
		append(actor, currentAddress(), action, target, outcome, detail);
	}

	/**
	 * Records an action of a named actor from a given address, such as an agent
	 * registering over its WebSocket connection.
	 * @param actor who did it
	 * @param address where from, or {@code null}
	 * @param action what happened
	 * @param target what it was done to, or {@code null}
	 * @param outcome {@link #SUCCESS}, {@link #FAILURE} or {@link #DENIED}
	 * @param detail a short explanation, or {@code null}
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void recordFrom(String actor, @Nullable String address, String action, @Nullable String target,
			String outcome, @Nullable String detail) {
		append(actor, address, action, target, outcome, detail);
	}

	private void append(String actor, @Nullable String address, String action, @Nullable String target, String outcome,
			@Nullable String detail) {
		String shortDetail = (detail != null) ? truncate(detail, MAX_DETAIL) : null;
		AuditEntry entry = new AuditEntry(0, this.clock.instant(), action, outcome, truncate(actor, 100),
				(target != null) ? truncate(target, 200) : null, (address != null) ? truncate(address, 64) : null,
				shortDetail, null, null);
		this.chain.append(entry);
	}

	/**
	 * Streams the events of a time range in chain order, a page at a time, to a sink.
	 * @param from events at or after this time, or {@code null}
	 * @param to events before this time, or {@code null}
	 * @param sink receives each event
	 * @return how many events were sent
	 */
	@Transactional(readOnly = true)
	public long export(@Nullable Instant from, @Nullable Instant to, Consumer<AuditEntry> sink) {
		long after = 0;
		long count = 0;
		List<AuditEntry> page;
		while (!(page = this.entries.export(after, from, to, EXPORT_PAGE)).isEmpty()) {
			for (AuditEntry entry : page) {
				sink.accept(entry);
				after = entry.seq();
				count++;
			}
		}
		return count;
	}

	/**
	 * Reads the trail, newest first.
	 * @param query the filters
	 * @param page where to start
	 * @return a page of events
	 */
	@Transactional(readOnly = true)
	public Page<AuditEntry> find(AuditQuery query, PageRequest page) {
		List<AuditEntry> rows = this.entries.find(query, page);
		if (rows.size() > page.limit()) {
			List<AuditEntry> items = rows.subList(0, page.limit());
			return new Page<>(List.copyOf(items), PageRequest.cursorAfter(items.get(items.size() - 1).seq()));
		}
		return new Page<>(rows, null);
	}

	/**
	 * The name under which the current caller appears in the trail.
	 * @return the principal's name, or {@code anonymous}
	 */
	public static String currentActor() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return "anonymous";
		}
		return authentication.getName();
	}

	/**
	 * The address of the client of the current request.
	 * @return the address, or {@code null} outside a request
	 */
	public static @Nullable String currentAddress() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes instanceof ServletRequestAttributes servlet) {
			HttpServletRequest request = servlet.getRequest();
			return request.getRemoteAddr();
		}
		return null;
	}

	private static String truncate(String value, int max) {
		// PostgreSQL refuses NUL in text, and control characters in an audit trail only
		// deceive
		String clean = value.replaceAll("\\p{Cntrl}", "?");
		return (clean.length() > max) ? clean.substring(0, max) : clean;
	}

}
