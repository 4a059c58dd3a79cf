package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.grmodelfree.block.BlockKeys;
import org.grmodelfree.block.BlockParams;
import org.grmodelfree.hosts.NetworkHosts;
import org.grmodelfree.launch.BlockProcesses;
import org.grmodelfree.semantic.block.SemanticAgentBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RL-SINFONY across hosts: agents 0 and 1 on one host, agents 2 and 3 on a second, the semantic
 * receiver on a third (network namespaces joined by veth pairs), every message link over CurveZMQ
 * with a key per block. Each agent's output binds its host's address on the link to the receiver
 * host, the receiver's feedback outputs its address on each agent host's link. The run trains as on
 * one host (SemanticBlocksTest): every batch sent and learned from.
 */
class SemanticAcrossHostsTest {
    private static final String RX = "semantic-receiver";

    private static String agent(int a) {
        return "semantic-agent-" + a;
    }

    @Test
    void four_agents_on_two_hosts_train_with_the_receiver_on_a_third(@TempDir Path dir) throws Exception {
        StringWriter log = new StringWriter();
        try (NetworkHosts h = NetworkHosts.create("a01", "a23", "rx")) {
            NetworkHosts.Link l01 = h.link("a01", "rx");
            NetworkHosts.Link l23 = h.link("a23", "rx");
            List<String> names = new ArrayList<>(List.of(RX));
            for (int a = 0; a < 4; a++) {
                names.add(agent(a));
            }
            BlockKeys keys = BlockKeys.generate(dir.resolve("keys"), names);
            Path rxClients = keys.clients(RX, names.subList(1, 5));
            Path agentClients = keys.clients("agents", List.of(RX));
            List<String> outs = new ArrayList<>();
            List<String> feedbacks = new ArrayList<>();
            StringBuilder servers = new StringBuilder();
            for (int a = 0; a < 4; a++) {
                NetworkHosts.Link l = a < 2 ? l01 : l23;
                outs.add(ThreeHosts.tcp(l.aAddress(), 6000 + a));
                feedbacks.add(ThreeHosts.tcp(l.bAddress(), 6100 + a));
                servers.append(a == 0 ? "" : ",").append("in").append(a).append('=').append(keys.publicKey(agent(a)));
            }
            try (BlockProcesses p = new BlockProcesses(new PrintWriter(log, true), List.of("-Dmodelfree.threads=1"))) {
                List<String> rx = new ArrayList<>(SemanticBlocksTest.SCHEDULE);
                for (int a = 0; a < 4; a++) {
                    rx.addAll(List.of("--in" + a, outs.get(a), "--feedback" + a, feedbacks.get(a)));
                }
                rx.addAll(List.of(BlockParams.CURVE_SECRET.flag(), keys.secret(RX).toString(),
                        BlockParams.CURVE_CLIENTS.flag(), rxClients.toString(), BlockParams.CURVE_SERVERS.flag(),
                        servers.toString()));
                p.start("rx", "semantic-receiver", rx, List.of(), h.host("rx").launcher());
                List<String> labels = new ArrayList<>(List.of("rx"));
                for (int a = 0; a < 4; a++) {
                    List<String> args = new ArrayList<>(SemanticBlocksTest.SCHEDULE);
                    args.addAll(List.of("--agent", Integer.toString(a), SemanticAgentBlock.OUT.flag(), outs.get(a),
                            SemanticAgentBlock.FEEDBACK.flag(), feedbacks.get(a),
                            BlockParams.CURVE_SECRET.flag(), keys.secret(agent(a)).toString(),
                            BlockParams.CURVE_CLIENTS.flag(), agentClients.toString(),
                            BlockParams.CURVE_SERVERS.flag(), SemanticAgentBlock.FEEDBACK.id() + "="
                                    + keys.publicKey(RX)));
                    p.start("agent" + a, "semantic-agent", args, List.of(),
                            h.host(a < 2 ? "a01" : "a23").launcher());
                    labels.add("agent" + a);
                }
                p.awaitSuccess(labels, 600);
                assertTrue(log.toString().contains("output 'out' binds " + outs.get(0)), log.toString());
                double acc = SemanticBlocksTest.trained(p, log.toString());
                System.out.println(String.format(Locale.ROOT, "semantic across three hosts: accuracy %.4f", acc));
            }
        }
    }
}
