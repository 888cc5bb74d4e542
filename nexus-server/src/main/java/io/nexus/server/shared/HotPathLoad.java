package io.nexus.server.shared;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.springframework.stereotype.Component;

/**
 * Whether the work that moves tasks to their end (dispatch rounds, agent reports) is
 * behind. Task creation yields to it: while it is busy, the creation writer takes at most
 * half of the time (see {@link GroupCommitter.Settings#yieldTo()}), so that a burst of
 * new tasks can never stop running tasks from completing.
 */
@Component
public class HotPathLoad {

	private final List<BooleanSupplier> busy = new CopyOnWriteArrayList<>();

	/**
	 * Adds a source of work that creation yields to.
	 * @param busy whether that work is waiting now
	 */
	public void register(BooleanSupplier busy) {
		this.busy.add(busy);
	}

	/**
	 * Whether any registered work is waiting now.
	 * @return {@code true} if creation should yield
	 */
	public boolean busy() {
		for (BooleanSupplier source : this.busy) {
			if (source.getAsBoolean()) {
				return true;
			}
		}
		return false;
	}

}
