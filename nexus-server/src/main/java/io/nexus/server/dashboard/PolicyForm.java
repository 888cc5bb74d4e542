package io.nexus.server.dashboard;

import java.util.Locale;

import io.nexus.server.governance.PlacementPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The form of the Policies page: a new policy (no id) or a new version of one.
 *
 * @param id the policy edited, or empty for a new one
 * @param name its name
 * @param description what it is for
 * @param enabled whether it applies
 * @param priority its order
 * @param match CEL over task.*
 * @param effect deny or require
 * @param require CEL over task.* and agent.*, for require
 */
record PolicyForm(@Nullable String id, @Nullable String name, @Nullable String description, @Nullable Boolean enabled,
		@Nullable Integer priority, @Nullable String match, @Nullable String effect, @Nullable String require) {

	static final PolicyForm BLANK = new PolicyForm(null, "", "", true, 100, "task.category == \"build\"", "require",
			"\"zone\" in agent.labels && agent.labels[\"zone\"] == \"eu\"");

	static PolicyForm of(PlacementPolicy policy) {
		PlacementPolicy.Definition definition = policy.definition();
		return new PolicyForm(policy.id(), definition.name(), definition.description(), definition.enabled(),
				definition.priority(), definition.match(), definition.effect().wireName(),
				(definition.require() != null) ? definition.require() : "");
	}

	public boolean editing() {
		return this.id != null && !this.id.isBlank();
	}

	/**
	 * What the form says, for the compiler to judge.
	 * @return the definition
	 * @throws IllegalArgumentException for a name, priority or effect the API would
	 * refuse
	 */
	PlacementPolicy.Definition toDefinition() {
		String name = (this.name != null) ? this.name.strip() : "";
		if (!name.matches(io.nexus.server.shared.Limits.NAME_PATTERN)) {
			throw new IllegalArgumentException(
					"The name must be 1-64 letters, digits or _ . : / -, starting with a letter or digit");
		}
		String description = (this.description != null) ? this.description.strip() : "";
		if (description.length() > 1_000) {
			throw new IllegalArgumentException("The description may have at most 1000 characters");
		}
		int priority = (this.priority != null) ? this.priority : 100;
		if (priority < 0 || priority > 1_000_000) {
			throw new IllegalArgumentException("The priority must be 0 to 1000000");
		}
		PlacementPolicy.Effect effect = "deny".equals(this.effect) ? PlacementPolicy.Effect.DENY
				: PlacementPolicy.Effect.REQUIRE;
		String require = (effect == PlacementPolicy.Effect.REQUIRE && this.require != null) ? this.require : null;
		return new PlacementPolicy.Definition(name, description, this.enabled != null && this.enabled, priority,
				(this.match != null) ? this.match : "", effect, require);
	}

	public String effectName() {
		return (this.effect != null) ? this.effect.toLowerCase(Locale.ROOT) : "require";
	}

}
