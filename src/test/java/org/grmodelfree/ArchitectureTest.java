package org.grmodelfree;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture of DESIGN.md section 3, stated as rules: nn &lt;- comm &lt;- train &lt;- store
 * &lt;- block &lt;- cli, with wire (sockets, msgpack, PMT, stream codec) used by block only and
 * report (files, plots) by store and cli only.
 */
@AnalyzeClasses(packages = "org.grmodelfree", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers_depend_one_way = layeredArchitecture().consideringOnlyDependenciesInAnyPackage("org.grmodelfree..")
            .withOptionalLayers(true)
            .layer("nn").definedBy("org.grmodelfree.nn..")
            .layer("comm").definedBy("org.grmodelfree.comm..")
            .layer("train").definedBy("org.grmodelfree.train..")
            .layer("store").definedBy("org.grmodelfree.store..")
            .layer("report").definedBy("org.grmodelfree.report..")
            .layer("wire").definedBy("org.grmodelfree.wire..")
            .layer("block").definedBy("org.grmodelfree.block..")
            .layer("cli").definedBy("org.grmodelfree.cli..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("block").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("wire").mayOnlyBeAccessedByLayers("block")
            .whereLayer("store").mayOnlyBeAccessedByLayers("block", "cli")
            .whereLayer("report").mayOnlyBeAccessedByLayers("store", "block", "cli")
            .whereLayer("train").mayOnlyBeAccessedByLayers("store", "block", "cli")
            .whereLayer("comm").mayOnlyBeAccessedByLayers("train", "store", "block", "cli")
            .whereLayer("nn").mayOnlyBeAccessedByLayers("comm", "train", "store", "block", "cli")
            .because("DESIGN.md section 3: dependencies point one way, transport is used by blocks only");

    @ArchTest
    static final ArchRule no_package_cycles = slices().matching("org.grmodelfree.(*)..").should().beFreeOfCycles()
            .because("packages by capability depend one way");

    @ArchTest
    static final ArchRule learning_code_never_sees_transport = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..")
            .should().dependOnClassesThat().resideInAnyPackage("org.grmodelfree.wire..", "org.zeromq..", "zmq..",
                    "org.msgpack..", "java.net..", "java.nio.channels..")
            .because("training logic knows nothing of sockets or wire formats; trainers take matrices and typed feedback");

    @ArchTest
    static final ArchRule learning_code_does_no_file_io_or_output = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..")
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "org.grmodelfree.report..",
                    "picocli..", "org.knowm..", "com.fasterxml..")
            .because("files, plots and the command line belong to store, report and cli");

    @ArchTest
    static final ArchRule report_and_wire_stand_alone = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.report..", "org.grmodelfree.wire..")
            .should().dependOnClassesThat().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..",
                    "org.grmodelfree.train..", "org.grmodelfree.store..", "org.grmodelfree.block..", "org.grmodelfree.cli..")
            .because("formats and plots are reusable leaves with no knowledge of the learning system");

    @ArchTest
    static final ArchRule only_the_command_line_writes_standard_streams = classes()
            .that().resideOutsideOfPackage("org.grmodelfree.cli..")
            .should(com.tngtech.archunit.lang.conditions.ArchConditions.not(
                    com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS))
            .because("libraries report through return values and exceptions; only the command line prints");

    @ArchTest
    static final ArchRule command_line_prints_through_picocli = noClasses()
            .that().resideInAPackage("org.grmodelfree.cli..").and().doNotHaveSimpleName("Main")
            .should(com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("commands write to picocli's out and err writers so tests can capture them");

}
