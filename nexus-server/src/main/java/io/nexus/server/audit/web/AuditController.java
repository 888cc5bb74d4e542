package io.nexus.server.audit.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

import io.nexus.server.audit.AuditEntry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.audit.AuditQuery;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

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

	private final AuditLog audit;

	AuditController(AuditLog audit) {
		this.audit = audit;
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
