package io.nexus.server.audit.web;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

import io.nexus.server.audit.AuditChain;
import io.nexus.server.audit.AuditEntry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.audit.AuditQuery;
import io.nexus.server.audit.AuditVerification;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail for admins.
 */
@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit", description = "The audit trail of security-relevant events (admin)")
class AuditController {

	private static final Set<String> OUTCOMES = Set.of(AuditLog.SUCCESS, AuditLog.FAILURE, AuditLog.DENIED);

	/** The media type of the export: one JSON object per line. */
	static final String NDJSON = "application/x-ndjson";

	private final AuditLog audit;

	private final AuditChain chain;

	private final JsonMapper json;

	AuditController(AuditLog audit, AuditChain chain, JsonMapper json) {
		this.audit = audit;
		this.chain = chain;
		this.json = json;
	}

	@GetMapping
	@Operation(summary = "Read the audit trail, newest first",
			description = "An action ending in '.' (such as 'auth.') matches every action with that prefix.")
	Page<AuditEntry> find(@RequestParam(required = false) @Nullable String actor,
			@RequestParam(required = false) @Nullable String action,
			@RequestParam(required = false) @Nullable String target,
			@RequestParam(required = false) @Nullable String outcome,
			@RequestParam(required = false) @Nullable String since,
			@RequestParam(required = false) @Nullable String until,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String cursor) {
		if (outcome != null && !OUTCOMES.contains(outcome)) {
			throw InvalidRequestException.badRequest("invalid_filter",
					"outcome must be one of success, failure, denied");
		}
		return this.audit.find(
				new AuditQuery(actor, action, target, outcome, instant("since", since), instant("until", until)),
				PageRequest.of(limit, cursor));
	}

	@GetMapping("/verify")
	@Operation(summary = "Verify the hash chain of the audit trail",
			description = "Walks the chain (from the last prune checkpoint, or 'from') through its head (or 'to') and "
					+ "reports the first event that does not link to the one before or does not match its hash.")
	AuditVerification verify(@RequestParam(required = false) @Nullable Long from,
			@RequestParam(required = false) @Nullable Long to) {
		if ((from != null && from < 1) || (to != null && to < 1) || (from != null && to != null && from > to)) {
			throw InvalidRequestException.badRequest("invalid_range", "from and to must be positions ≥ 1, from ≤ to");
		}
		return this.chain.verify(from, to);
	}

	@GetMapping("/head")
	@Operation(summary = "The head of the audit chain",
			description = "The position and hash of the last event: keep copies outside Nexus to detect events "
					+ "deleted at the end of the trail.")
	AuditVerification.Head head() {
		return this.chain.head();
	}

	@GetMapping("/export")
	@Operation(summary = "Export the audit trail as NDJSON",
			description = "Streams the events of [from, to) in chain order, one JSON object per line, with their "
					+ "hashes.")
	void export(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to, HttpServletResponse response) throws IOException {
		Instant since = instant("from", from);
		Instant until = instant("to", to);
		if (since != null && until != null && !since.isBefore(until)) {
			throw InvalidRequestException.badRequest("invalid_filter", "from must be before to");
		}
		response.setContentType(NDJSON);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.setHeader("Cache-Control", "no-store");
		OutputStream out = response.getOutputStream();
		this.audit.export(since, until, (entry) -> {
			try {
				out.write(this.json.writeValueAsBytes(entry));
				out.write('\n');
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		out.flush();
	}

	private static @Nullable Instant instant(String name, @Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw InvalidRequestException.badRequest("invalid_filter",
					name + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
		}
	}

}
