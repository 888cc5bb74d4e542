package io.nexus.server.notifications;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Notifications for people ({@code nexus.notifications.*}).
 *
 * @param retention how long a notification is kept (read or not)
 * @param sweepInterval how often each node deletes notifications past their retention
 */
@ConfigurationProperties("nexus.notifications")
public record NotificationProperties(@DefaultValue("30d") Duration retention,
		@DefaultValue("1h") Duration sweepInterval) {

}
