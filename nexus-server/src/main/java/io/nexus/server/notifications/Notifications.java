package io.nexus.server.notifications;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.notifications.persistence.NotificationRepository;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The notifications people see: written in the transaction of the change that caused them
 * (so each exists exactly once, whatever the number of nodes, and never for a change that
 * rolled back), read per person with their own read marks.
 */
@Service
public class Notifications {

	private static final Logger logger = LoggerFactory.getLogger(Notifications.class);

	/** Titles are cut to fit their column. */
	static final int MAX_TITLE = 300;

	/** Details are cut to fit their column. */
	static final int MAX_DETAIL = 1_000;

	private static final int SWEEP_BATCH = 1_000;

	private final NotificationRepository repository;

	private final NotificationProperties properties;

	private final Clock clock;

	private final MeterRegistry meters;

	Notifications(NotificationRepository repository, NotificationProperties properties, Clock clock,
			MeterRegistry meters) {
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
		this.meters = meters;
	}

	/**
	 * Records a notification, in the caller's transaction when there is one.
	 * @param kind what it is about
	 * @param title one line
	 * @param detail more
	 * @param subject the task, agent or budget it is about
	 * @param audience who sees it
	 */
	@Transactional(propagation = Propagation.SUPPORTS)
	public void record(NotificationKind kind, String title, String detail, Subject subject, Audience audience) {
		this.repository.insert(Ids.next("ntf"), kind, cut(title, MAX_TITLE), cut(detail, MAX_DETAIL), subject.taskId(),
				subject.agentId(), subject.budgetId(), audience, this.clock.instant());
		// five kinds: a bounded label
		Counter.builder("nexus.notifications")
			.description("Notifications for people written, by kind")
			.tag("kind", kind.wireName())
			.register(this.meters)
			.increment();
	}

	/**
	 * A reader's notifications, newest first.
	 * @param reader who reads
	 * @param page the page
	 * @param unreadOnly only those they have not read
	 * @return the page
	 */
	@Transactional(readOnly = true)
	public Page<Notification> list(Reader reader, PageRequest page, boolean unreadOnly) {
		List<Notification> rows = this.repository.find(reader, page.afterSeq(), unreadOnly, page.limit() + 1);
		boolean more = rows.size() > page.limit();
		List<Notification> shown = more ? rows.subList(0, page.limit()) : rows;
		return new Page<>(List.copyOf(shown), more ? PageRequest.cursorAfter(shown.get(shown.size() - 1).seq()) : null);
	}

	/**
	 * How many notifications a reader has not read: the dashboard's badge.
	 * @param reader who reads
	 * @return the count
	 */
	@Transactional(readOnly = true)
	public long unread(Reader reader) {
		return this.repository.countUnread(reader);
	}

	/**
	 * Marks one notification read for the reader; marking it again changes nothing.
	 * @param reader who reads
	 * @param id the notification
	 * @return the notification, now read
	 * @throws NotFoundException if there is none, or the reader does not see it
	 */
	@Transactional
	public Notification markRead(Reader reader, String id) {
		Notification notification = this.repository.find(reader, id)
			.orElseThrow(() -> new NotFoundException("notification_not_found",
					"No notification '" + id + "' for " + reader.name(), Map.of("notification_id", id)));
		this.repository.markRead(id, reader.name(), this.clock.instant());
		return new Notification(notification.id(), notification.seq(), notification.kind(), notification.title(),
				notification.detail(), notification.taskId(), notification.agentId(), notification.budgetId(),
				notification.createdAt(), true);
	}

	/**
	 * Marks every notification the reader sees read.
	 * @param reader who reads
	 * @return how many were unread
	 */
	@Transactional
	public int markAllRead(Reader reader) {
		return this.repository.markAllRead(reader, this.clock.instant());
	}

	/**
	 * Deletes notifications past their retention, a batch at a time; any node may run it.
	 * @return how many were deleted
	 */
	@Scheduled(fixedDelayString = "${nexus.notifications.sweep-interval:1h}", initialDelayString = "1m")
	@Transactional
	public int sweep() {
		Instant before = this.clock.instant().minus(this.properties.retention());
		int deleted = this.repository.deleteCreatedBefore(before, SWEEP_BATCH);
		if (deleted > 0) {
			logger.debug("Deleted {} notification(s) created before {}", deleted, before);
		}
		return deleted;
	}

	private static String cut(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max - 1) + "…";
	}

	/**
	 * What a notification is about: at most one of each.
	 *
	 * @param taskId a task
	 * @param agentId an agent
	 * @param budgetId a budget
	 */
	public record Subject(@Nullable String taskId, @Nullable String agentId, @Nullable String budgetId) {

		static Subject task(String taskId) {
			return new Subject(taskId, null, null);
		}

		static Subject agent(String agentId) {
			return new Subject(null, agentId, null);
		}

		static Subject budget(String budgetId) {
			return new Subject(null, null, budgetId);
		}

	}

}
