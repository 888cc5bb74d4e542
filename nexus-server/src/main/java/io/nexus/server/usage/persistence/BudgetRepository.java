package io.nexus.server.usage.persistence;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.server.shared.SqlTimes;
import io.nexus.server.usage.Budget;
import io.nexus.server.usage.BudgetPeriod;
import io.nexus.server.usage.BudgetScope;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code budgets} table and what each has counted per period ({@code budget_spend}).
 */
@Repository
public class BudgetRepository {

	private final JdbcClient jdbc;

	public BudgetRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public List<Budget> findAll() {
		return this.jdbc.sql("SELECT * FROM budgets ORDER BY name").query(BudgetRepository::row).list();
	}

	public Optional<Budget> findById(String id) {
		return this.jdbc.sql("SELECT * FROM budgets WHERE id = :id")
			.param("id", id)
			.query(BudgetRepository::row)
			.optional();
	}

	public boolean nameTaken(String name, @Nullable String exceptId) {
		return this.jdbc.sql("SELECT COUNT(*) FROM budgets WHERE name = :name AND id <> :id")
			.param("name", name)
			.param("id", (exceptId != null) ? exceptId : "")
			.query(Long.class)
			.single() > 0;
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM budgets").query(Long.class).single();
	}

	public void insert(Budget budget) {
		this.jdbc.sql("""
				INSERT INTO budgets (id, name, scope_kind, scope_value, period, max_tokens, max_cost, currency,
				                     created_by, created_at, updated_at)
				VALUES (:id, :name, :scope, :value, :period, :maxTokens, :maxCost, :currency, :createdBy, :createdAt,
				        :updatedAt)
				""").params(params(budget)).update();
	}

	public void update(Budget budget) {
		this.jdbc.sql("""
				UPDATE budgets SET name = :name, scope_kind = :scope, scope_value = :value, period = :period,
				       max_tokens = :maxTokens, max_cost = :maxCost, currency = :currency, updated_at = :updatedAt
				WHERE id = :id
				""").params(params(budget)).update();
	}

	public void delete(String id) {
		this.jdbc.sql("DELETE FROM budgets WHERE id = :id").param("id", id).update();
	}

	/**
	 * Locks the rows of the budgets, in id order, until the transaction ends: every node
	 * charges a budget one report at a time.
	 * @param ids the budgets
	 */
	public void lock(Collection<String> ids) {
		this.jdbc.sql("SELECT id FROM budgets WHERE id IN (:ids) ORDER BY id FOR UPDATE")
			.param("ids", ids)
			.query(String.class)
			.list();
	}

	public Optional<Spend> spend(String budgetId, String periodKey) {
		return this.jdbc.sql("SELECT * FROM budget_spend WHERE budget_id = :id AND period_key = :key")
			.param("id", budgetId)
			.param("key", periodKey)
			.query(BudgetRepository::spendRow)
			.optional();
	}

	/**
	 * What every budget counted in the periods named.
	 * @param periodKeys such as today and this month
	 * @return the counts
	 */
	public List<Spend> spends(Collection<String> periodKeys) {
		return this.jdbc.sql("SELECT * FROM budget_spend WHERE period_key IN (:keys)")
			.param("keys", periodKeys)
			.query(BudgetRepository::spendRow)
			.list();
	}

	/**
	 * Stores what a budget has counted in a period; the caller holds the budget's lock.
	 * @param spend the new count
	 * @param fresh whether the period has no row yet
	 */
	public void save(Spend spend, boolean fresh) {
		String sql = fresh
				? "INSERT INTO budget_spend (budget_id, period_key, tokens, cost, warned, updated_at) "
						+ "VALUES (:id, :key, :tokens, :cost, :warned, :updatedAt)"
				: "UPDATE budget_spend SET tokens = :tokens, cost = :cost, warned = :warned, updated_at = :updatedAt "
						+ "WHERE budget_id = :id AND period_key = :key";
		this.jdbc.sql(sql)
			.param("id", spend.budgetId())
			.param("key", spend.periodKey())
			.param("tokens", spend.tokens())
			.param("cost", spend.cost())
			.param("warned", spend.warned())
			.param("updatedAt", SqlTimes.toDb(spend.updatedAt()))
			.update();
	}

	private static Map<String, @Nullable Object> params(Budget budget) {
		Map<String, @Nullable Object> params = new HashMap<>();
		params.put("id", budget.id());
		params.put("name", budget.name());
		params.put("scope", budget.scope().wireName());
		params.put("value", budget.scopeValue());
		params.put("period", budget.period().wireName());
		params.put("maxTokens", budget.maxTokens());
		params.put("maxCost", budget.maxCost());
		params.put("currency", budget.currency());
		params.put("createdBy", budget.createdBy());
		params.put("createdAt", SqlTimes.toDb(budget.createdAt()));
		params.put("updatedAt", SqlTimes.toDb(budget.updatedAt()));
		return params;
	}

	private static Budget row(ResultSet rs, int n) throws SQLException {
		return new Budget(rs.getString("id"), rs.getString("name"),
				BudgetScope.fromWireName(rs.getString("scope_kind")), rs.getString("scope_value"),
				BudgetPeriod.fromWireName(rs.getString("period")),
				(rs.getObject("max_tokens") != null) ? rs.getLong("max_tokens") : null, rs.getBigDecimal("max_cost"),
				rs.getString("currency"), rs.getString("created_by"), SqlTimes.requiredFromDb(rs, "created_at"),
				SqlTimes.requiredFromDb(rs, "updated_at"));
	}

	private static Spend spendRow(ResultSet rs, int n) throws SQLException {
		return new Spend(rs.getString("budget_id"), rs.getString("period_key"), rs.getLong("tokens"),
				rs.getBigDecimal("cost"), rs.getBoolean("warned"), SqlTimes.requiredFromDb(rs, "updated_at"));
	}

	/**
	 * What a budget has counted in one period.
	 *
	 * @param budgetId the budget
	 * @param periodKey the period
	 * @param tokens tokens counted
	 * @param cost money counted
	 * @param warned whether the 80 % notice went out
	 * @param updatedAt when it last changed
	 */
	public record Spend(String budgetId, String periodKey, long tokens, BigDecimal cost, boolean warned,
			Instant updatedAt) {

	}

}
