package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A flowgraph argument is checked before anything is written for it: a path that is no .grc file
 * (../../some/dir) or a name that is no plain name is a usage error and creates no folder. Before,
 * the command made its output folder (runs/flowgraph-dir) first and failed after.
 */
class FlowgraphNameTest {
    @Test
    void a_name_that_climbs_out_of_runs_is_refused_before_any_folder_is_made() {
        String marker = "name-test-" + ProcessHandle.current().pid();
        CliTest.assertOneLineError(CliTest.run("flowgraph", "../../" + marker + "/dir-" + marker, "--quiet"), 2,
                "neither a name of flowgraphs/ nor an existing .grc file");
        assertFalse(Files.exists(Path.of("runs", "flowgraph-dir-" + marker)), "an output folder was created");
        CliTest.assertOneLineError(CliTest.run("flowgraph", "..", "--quiet"), 2, "is not a flowgraph name");
        CliTest.assertOneLineError(CliTest.run("flowgraph", "a b", "--quiet"), 2, "is not a flowgraph name");
        assertFalse(Files.exists(Path.of("runs", "flowgraph-a b")), "an output folder was created");
    }
}
