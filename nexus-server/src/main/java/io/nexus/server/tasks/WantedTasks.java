package io.nexus.server.tasks;

import java.util.Set;

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
 */
public record WantedTasks(Set<String> offered, boolean uncategorised, Set<String> heldCategories) {

	/** Every task whose capabilities the given ones cover. */
	public static WantedTasks covering(Set<String> offered) {
		return new WantedTasks(offered, true, Set.of());
	}

	public WantedTasks {
		offered = Set.copyOf(offered);
		heldCategories = Set.copyOf(heldCategories);
	}

}
