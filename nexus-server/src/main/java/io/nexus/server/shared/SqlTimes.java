package io.nexus.server.shared;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;

/**
 * Moves instants in and out of {@code TIMESTAMP WITH TIME ZONE} columns the same way on
 * H2 and PostgreSQL.
 */
public final class SqlTimes {

	private SqlTimes() {
	}

	public static @Nullable OffsetDateTime toDb(@Nullable Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	public static @Nullable Instant fromDb(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	public static Instant requiredFromDb(ResultSet rs, String column) throws SQLException {
		Instant value = fromDb(rs, column);
		if (value == null) {
			throw new SQLException("Column " + column + " is unexpectedly null");
		}
		return value;
	}

}
