package io.nexus.server.tasks;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which ready tasks a dispatch round should read: only those that some available agent
 * could take, so that a round never fills its read with tasks nobody may run while others
 * wait behind them.
 *
 * @param offered capabilities the available agents have (as far as they may use them); a
 * task that needs another is left out
 * @param uncategorised whether an available agent takes tasks that require no capability
 * @param heldCategories categories that no available agent may take now (an emergency
 * stop holds them); their tasks are left out
 * @param heldKeys key values at a limit ({@link StartLimits}); their tasks are left out
 * @param fairnessKey only tasks of this fair-share key, or any if {@code null}
 */
public record WantedTasks(Set<String> offered, boolean uncategorised, Set<String> heldCategories,
		List<HeldKeys> heldKeys, @Nullable String fairnessKey) {

	/** Every task whose capabilities the given ones cover. */
	public static WantedTasks covering(Set<String> offered) {
		return new WantedTasks(offered, true, Set.of());
	}

	public WantedTasks {
		offered = Set.copyOf(offered);
		heldCategories = Set.copyOf(heldCategories);
		heldKeys = List.copyOf(heldKeys);
	}

	public WantedTasks(Set<String> offered, boolean uncategorised, Set<String> heldCategories) {
		this(offered, uncategorised, heldCategories, List.of(), null);
	}

	/**
	 * The same, leaving out the tasks of held key values too.
	 * @param held key values at a limit
	 * @return the narrower wanted tasks
	 */
	public WantedTasks without(List<HeldKeys> held) {
		return held.isEmpty() ? this
				: new WantedTasks(this.offered, this.uncategorised, this.heldCategories, held, this.fairnessKey);
	}

	/**
	 * The same, of one fair-share key only.
	 * @param key the key
	 * @return the narrower wanted tasks
	 */
	public WantedTasks of(String key) {
		return new WantedTasks(this.offered, this.uncategorised, this.heldCategories, this.heldKeys, key);
	}

}
