package io.nexus.server.notifications;

/**
 * What a notification is about, by its wire name.
 */
public enum NotificationKind {

	/** A task awaits approval (or was escalated to a second approver group). */
	APPROVAL_REQUESTED("approval_requested"),
	/** An agent asked a person for input on a task. */
	INPUT_REQUESTED("input_requested"),
	/** A scope's budget reached 80 % of its period. */
	BUDGET_WARNING("budget_warning"),
	/** A scope's budget is spent for its period. */
	BUDGET_SPENT("budget_spent"),
	/** An agent was put in quarantine. */
	AGENT_QUARANTINED("agent_quarantined");

	private final String wireName;

	NotificationKind(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * The name in the API.
	 * @return such as {@code approval_requested}
	 */
	public String wireName() {
		return this.wireName;
	}

	/**
	 * The kind with a wire name.
	 * @param wireName the name
	 * @return the kind
	 * @throws IllegalArgumentException if there is none
	 */
	public static NotificationKind of(String wireName) {
		for (NotificationKind kind : values()) {
			if (kind.wireName.equals(wireName)) {
				return kind;
			}
		}
		throw new IllegalArgumentException("Unknown notification kind " + wireName);
	}

}
