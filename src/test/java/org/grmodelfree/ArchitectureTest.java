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
 * The architecture of docs/architecture.md, stated as rules: nn &lt;- comm &lt;- train (and semantic,
 * the semantic-communication system of section 2, beside train) &lt;- store
 * &lt;- block &lt;- cli, with wire (sockets, msgpack, PMT, stream codec) used by block only and
 * report (files, plots) by store and cli only. data (the image data sets of section 2) is a bottom
 * layer: any layer above may use it, and it uses no other package of ours.
 */
@AnalyzeClasses(packages = "org.grmodelfree", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers_depend_one_way = layeredArchitecture().consideringOnlyDependenciesInAnyPackage("org.grmodelfree..")
            .withOptionalLayers(true)
            .layer("data").definedBy("org.grmodelfree.data..")
            .layer("nn").definedBy("org.grmodelfree.nn..")
            .layer("comm").definedBy("org.grmodelfree.comm..")
            .layer("train").definedBy("org.grmodelfree.train..")
            .layer("semantic").definedBy("org.grmodelfree.semantic..")
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
            .whereLayer("semantic").mayOnlyBeAccessedByLayers("store", "block", "cli")
            .whereLayer("comm").mayOnlyBeAccessedByLayers("train", "semantic", "store", "block", "cli")
            .whereLayer("nn").mayOnlyBeAccessedByLayers("comm", "train", "semantic", "store", "block", "cli")
            .because("docs/architecture.md: dependencies point one way, transport is used by blocks only");

    @ArchTest
    static final ArchRule no_package_cycles = slices().matching("org.grmodelfree.(*)..").should().beFreeOfCycles()
            .because("packages by capability depend one way");

    @ArchTest
    static final ArchRule learning_code_never_sees_transport = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..",
                    "org.grmodelfree.semantic..")
            .should().dependOnClassesThat().resideInAnyPackage("org.grmodelfree.wire..", "org.zeromq..", "zmq..",
                    "org.msgpack..", "java.net..", "java.nio.channels..")
            .because("training logic knows nothing of sockets or wire formats; trainers take matrices and typed feedback");

    @ArchTest
    static final ArchRule learning_code_does_no_file_io_or_output = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..",
                    "org.grmodelfree.semantic..")
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "org.grmodelfree.report..",
                    "picocli..", "org.knowm..", "com.fasterxml..")
            .because("files, plots and the command line belong to store, report and cli");

    @ArchTest
    static final ArchRule report_and_wire_stand_alone = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.report..", "org.grmodelfree.wire..")
            .should().dependOnClassesThat().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..",
                    "org.grmodelfree.train..", "org.grmodelfree.semantic..", "org.grmodelfree.store..",
                    "org.grmodelfree.block..", "org.grmodelfree.cli..")
            .because("formats and plots are reusable leaves with no knowledge of the learning system");

    @ArchTest
    static final ArchRule the_two_systems_are_independent = noClasses()
            .that().resideInAPackage("org.grmodelfree.semantic..")
            .should().dependOnClassesThat().resideInAPackage("org.grmodelfree.train..")
            .orShould().dependOnClassesThat().resideInAnyPackage("java.lang.management..")
            .because("the semantic system shares layers (nn), the policy and the RNG (comm) with the link, not its"
                    + " trainers; timing and metering belong to the command line");

    @ArchTest
    static final ArchRule data_stands_alone = classes()
            .that().resideInAPackage("org.grmodelfree.data..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("org.grmodelfree.data..", "java..",
                    "com.fasterxml.jackson.core..")
            .because("the data readers are a bottom layer (docs/design.md, \"Semantic communication\"): the semantic system and anything"
                    + " above may use them, and they need nothing of ours");

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

    @ArchTest
    static final ArchRule blocks_live_in_the_block_package_and_are_named_so = classes()
            .that().implement(org.grmodelfree.block.Block.class)
            .should().resideInAPackage("org.grmodelfree.block").andShould().haveSimpleNameEndingWith("Block")
            .andShould().bePublic().andShould().haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
            .because("a block is found by its name and package, as GNU Radio's are");

    @ArchTest
    static final ArchRule classes_named_block_are_blocks = classes()
            .that().haveSimpleNameEndingWith("Block").and().areTopLevelClasses().and().areNotInterfaces()
            .should().implement(org.grmodelfree.block.Block.class)
            .because("the name promises the block contract");

    @ArchTest
    static final ArchRule blocks_declare_ports_and_parameters_once = classes()
            .that().implement(org.grmodelfree.block.Block.class)
            .should(declareSpec())
            .because("ports and parameters are declared once, in a public static final BlockSpec SPEC, from which"
                    + " the command line, --describe and the GRC YAML check are derived");

    @ArchTest
    static final ArchRule blocks_touch_no_socket = noClasses()
            .that().implement(org.grmodelfree.block.Block.class)
            .should().dependOnClassesThat().resideInAnyPackage("org.zeromq..", "zmq..", "org.msgpack..", "java.net..")
            .orShould().dependOnClassesThat().belongToAnyOf(org.grmodelfree.wire.StreamIn.class,
                    org.grmodelfree.wire.StreamOut.class, org.grmodelfree.wire.ControlLink.class,
                    org.grmodelfree.wire.InputPoller.class, org.grmodelfree.wire.PmtMessageIn.class,
                    org.grmodelfree.wire.PmtMessageOut.class, org.grmodelfree.wire.ControlCodec.class,
                    org.grmodelfree.wire.PmtCodec.class, org.grmodelfree.wire.Complex64Codec.class,
                    org.grmodelfree.wire.StreamTagHeader.class)
            .because("a block works on buffers and typed messages through BlockIo; the runner owns the sockets");

    private static com.tngtech.archunit.lang.ArchCondition<com.tngtech.archunit.core.domain.JavaClass> declareSpec() {
        return new com.tngtech.archunit.lang.ArchCondition<>("declare a public static final BlockSpec SPEC") {
            @Override
            public void check(com.tngtech.archunit.core.domain.JavaClass c,
                              com.tngtech.archunit.lang.ConditionEvents events) {
                boolean ok = c.tryGetField("SPEC").map(f -> f.getRawType().isEquivalentTo(org.grmodelfree.block.BlockSpec.class)
                        && f.getModifiers().containsAll(java.util.Set.of(
                                com.tngtech.archunit.core.domain.JavaModifier.PUBLIC,
                                com.tngtech.archunit.core.domain.JavaModifier.STATIC,
                                com.tngtech.archunit.core.domain.JavaModifier.FINAL))).orElse(false);
                long specs = c.getFields().stream()
                        .filter(f -> f.getRawType().isEquivalentTo(org.grmodelfree.block.BlockSpec.class)).count();
                if (!ok || specs != 1) {
                    events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(c, c.getName()
                            + " must declare exactly one BlockSpec, as public static final SPEC"));
                }
            }
        };
    }
}
