package io.nexus.server.dashboard;

import io.nexus.server.agents.Agent;

/**
 * An agent considered for a manual assignment.
 *
 * @param agent the agent
 * @param eligible whether it may take the task without forcing
 * @param why what stands in the way, or why it fits
 * @param score the dispatcher's score: priority score, plus up to 50 for free capacity
 * and up to 30 for its success rate, minus up to 10 for a slow heartbeat
 */
record Candidate(Agent agent, boolean eligible, String why, double score) {

}
