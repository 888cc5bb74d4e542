package io.nexus.server.tasks.persistence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskEvent;
import io.nexus.server.tasks.TaskId;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What one transaction already knows about task rows, so that a group of agent reports
 * costs a few statements instead of several per report:
 * <ul>
 * <li>rows read and locked for the whole group in one {@code SELECT ... FOR UPDATE}; each
 * is handed out once, and forgotten as soon as the transaction writes that row;</li>
 * <li>the dependents of those rows, read in one statement (no dependent can be added
 * while the row it depends on is locked);</li>
 * <li>history events, written in one batch just before the commit.</li>
 * </ul>
 * Outside a transaction it knows nothing and buffers nothing.
 */
@Component
public class TransactionRows {

	/**
	 * Remembers rows locked by this transaction.
	 * @param rows the locked rows
	 * @param dependents the dependents of each of them (an empty list for none)
	 */
	void remember(Collection<Task> rows, Map<TaskId, List<TaskId>> dependents) {
		State state = state(null);
		if (state == null) {
			return;
		}
		rows.forEach((row) -> state.locked.put(row.id(), row));
		state.dependents.putAll(dependents);
	}

	/**
	 * A row this transaction locked and has not written since, once.
	 * @param id the task
	 * @return the row as it is in the database now, if known
	 */
	Optional<Task> takeLocked(TaskId id) {
		State state = current();
		return (state != null) ? Optional.ofNullable(state.locked.remove(id)) : Optional.empty();
	}

	/**
	 * The dependents of a task locked by this transaction, once.
	 * @param id the task
	 * @return its dependents, if known
	 */
	Optional<List<TaskId>> takeDependents(TaskId id) {
		State state = current();
		return (state != null) ? Optional.ofNullable(state.dependents.remove(id)) : Optional.empty();
	}

	/**
	 * Forgets a row that this transaction is about to write.
	 * @param id the task
	 */
	void written(TaskId id) {
		State state = current();
		if (state != null) {
			state.locked.remove(id);
		}
	}

	/**
	 * Buffers a history event until just before the commit, or writes it at once outside
	 * a transaction.
	 * @param event the event
	 * @param flush writes buffered events
	 */
	void buffer(TaskEvent event, Consumer<List<TaskEvent>> flush) {
		State state = state(flush);
		if (state == null) {
			flush.accept(List.of(event));
			return;
		}
		state.events.add(event);
	}

	/**
	 * Writes the buffered events now, for a read of the history in the same transaction.
	 */
	void flushEvents() {
		State state = current();
		if (state != null) {
			state.flushEvents();
		}
	}

	private State current() {
		return (State) TransactionSynchronizationManager.getResource(this);
	}

	private State state(Consumer<List<TaskEvent>> flush) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return null;
		}
		State state = current();
		if (state == null) {
			state = new State();
			TransactionSynchronizationManager.bindResource(this, state);
			State bound = state;
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void beforeCommit(boolean readOnly) {
					bound.flushEvents();
				}

				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(TransactionRows.this);
				}

			});
		}
		if (flush != null) {
			state.flush = flush;
		}
		return state;
	}

	private static final class State {

		private final Map<TaskId, Task> locked = new HashMap<>();

		private final Map<TaskId, List<TaskId>> dependents = new HashMap<>();

		private final List<TaskEvent> events = new ArrayList<>();

		private Consumer<List<TaskEvent>> flush;

		void flushEvents() {
			if (!this.events.isEmpty() && this.flush != null) {
				List<TaskEvent> pending = List.copyOf(this.events);
				this.events.clear();
				this.flush.accept(pending);
			}
		}

	}

}
