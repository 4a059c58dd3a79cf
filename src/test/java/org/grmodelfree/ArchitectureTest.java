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
 * &lt;- block, run (a link run's policy and outputs) and semantic.run &lt;- launch (block processes),
 * gnuradio, experiments, bench &lt;- cli (thin picocli commands only), with wire (sockets, msgpack,
 * PMT, stream codec) used by block (and the stream bench) only and report (files, plots) by store
 * and the layers above it. data (the image data sets of section 2) is a bottom
 * layer: any layer above may use it, and it uses no other package of ours.
 */
@AnalyzeClasses(packages = "org.grmodelfree", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The semantic system's classes, without its run policy (semantic.run, which sits above store and report). */
    private static final com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass>
            SEMANTIC_SYSTEM = com.tngtech.archunit.core.domain.JavaClass.Predicates
                    .resideInAPackage("org.grmodelfree.semantic..")
                    .and(com.tngtech.archunit.base.DescribedPredicate.not(
                            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(
                                    "org.grmodelfree.semantic.run..")))
                    .as("the semantic system (org.grmodelfree.semantic.. but semantic.run)");

    @ArchTest
    static final ArchRule layers_depend_one_way = layeredArchitecture().consideringOnlyDependenciesInAnyPackage("org.grmodelfree..")
            .withOptionalLayers(true)
            .layer("data").definedBy("org.grmodelfree.data..")
            .layer("nn").definedBy("org.grmodelfree.nn..")
            .layer("comm").definedBy("org.grmodelfree.comm..")
            .layer("train").definedBy("org.grmodelfree.train..")
            .layer("semantic").definedBy(SEMANTIC_SYSTEM)
            .layer("store").definedBy("org.grmodelfree.store..")
            .layer("report").definedBy("org.grmodelfree.report..")
            .layer("wire").definedBy("org.grmodelfree.wire..")
            .layer("block").definedBy("org.grmodelfree.block..")
            .layer("run").definedBy("org.grmodelfree.run..")
            .layer("semantic.run").definedBy("org.grmodelfree.semantic.run..")
            .layer("launch").definedBy("org.grmodelfree.launch..")
            .layer("gnuradio").definedBy("org.grmodelfree.gnuradio..")
            .layer("experiments").definedBy("org.grmodelfree.experiments..")
            .layer("bench").definedBy("org.grmodelfree.bench..")
            .layer("cli").definedBy("org.grmodelfree.cli..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("experiments").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("gnuradio").mayOnlyBeAccessedByLayers("bench", "cli")
            .whereLayer("launch").mayOnlyBeAccessedByLayers("gnuradio", "bench", "cli")
            .whereLayer("semantic.run").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("run").mayOnlyBeAccessedByLayers("semantic.run", "launch", "gnuradio", "experiments", "bench",
                    "cli")
            .whereLayer("block").mayOnlyBeAccessedByLayers("launch", "bench", "cli")
            .whereLayer("wire").mayOnlyBeAccessedByLayers("block", "bench")
            .whereLayer("store").mayOnlyBeAccessedByLayers("block", "run", "semantic.run", "launch", "gnuradio",
                    "experiments", "bench", "cli")
            .whereLayer("report").mayOnlyBeAccessedByLayers("store", "block", "run", "semantic.run", "launch",
                    "gnuradio", "experiments", "bench", "cli")
            .whereLayer("train").mayOnlyBeAccessedByLayers("store", "block", "run", "launch", "gnuradio",
                    "experiments", "bench", "cli")
            .whereLayer("semantic").mayOnlyBeAccessedByLayers("store", "block", "semantic.run", "cli")
            .whereLayer("comm").mayOnlyBeAccessedByLayers("train", "semantic", "store", "block", "run",
                    "semantic.run", "launch", "gnuradio", "experiments", "bench", "cli")
            .whereLayer("nn").mayOnlyBeAccessedByLayers("comm", "train", "semantic", "store", "block", "run",
                    "semantic.run", "launch", "gnuradio", "experiments", "bench", "cli")
            .because("docs/architecture.md: dependencies point one way, transport is used by blocks (and the stream"
                    + " bench) only; cli's commands sit on the run policies (run, semantic.run), on launch (block"
                    + " processes), gnuradio, experiments and bench");

    /** One slice per package below org.grmodelfree, and semantic.run one of its own (it sits above store). */
    private static final com.tngtech.archunit.library.dependencies.SliceAssignment CAPABILITIES =
            new com.tngtech.archunit.library.dependencies.SliceAssignment() {
                @Override
                public com.tngtech.archunit.library.dependencies.SliceIdentifier getIdentifierOf(
                        com.tngtech.archunit.core.domain.JavaClass c) {
                    String p = c.getPackageName();
                    if (!p.startsWith("org.grmodelfree.")) {
                        return com.tngtech.archunit.library.dependencies.SliceIdentifier.ignore();
                    }
                    String rest = p.substring("org.grmodelfree.".length());
                    if (rest.equals("semantic.run") || rest.startsWith("semantic.run.")) {
                        return com.tngtech.archunit.library.dependencies.SliceIdentifier.of("semantic.run");
                    }
                    return com.tngtech.archunit.library.dependencies.SliceIdentifier.of(rest.split("\\.")[0]);
                }

                @Override
                public String getDescription() {
                    return "org.grmodelfree.(*).. with semantic.run apart";
                }
            };

    @ArchTest
    static final ArchRule no_package_cycles = slices().assignedFrom(CAPABILITIES).should().beFreeOfCycles()
            .because("packages by capability depend one way");

    @ArchTest
    static final ArchRule learning_code_never_sees_transport = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..",
                    "org.grmodelfree.semantic..").and().resideOutsideOfPackage("org.grmodelfree.semantic.run..")
            .should().dependOnClassesThat().resideInAnyPackage("org.grmodelfree.wire..", "org.zeromq..", "zmq..",
                    "org.msgpack..", "java.net..", "java.nio.channels..")
            .because("training logic knows nothing of sockets or wire formats; trainers take matrices and typed feedback");

    @ArchTest
    static final ArchRule learning_code_does_no_file_io_or_output = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..",
                    "org.grmodelfree.semantic..").and().resideOutsideOfPackage("org.grmodelfree.semantic.run..")
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "org.grmodelfree.report..",
                    "picocli..", "org.knowm..", "com.fasterxml..")
            .because("files, plots and the command line belong to store, report, the run policies and cli");

    @ArchTest
    static final ArchRule report_and_wire_stand_alone = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.report..", "org.grmodelfree.wire..")
            .should().dependOnClassesThat().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..",
                    "org.grmodelfree.train..", "org.grmodelfree.semantic..", "org.grmodelfree.store..",
                    "org.grmodelfree.block..", "org.grmodelfree.run..", "org.grmodelfree.launch..",
                    "org.grmodelfree.gnuradio..", "org.grmodelfree.experiments..", "org.grmodelfree.bench..",
                    "org.grmodelfree.cli..")
            .because("formats and plots are reusable leaves with no knowledge of the learning system");

    @ArchTest
    static final ArchRule the_two_systems_are_independent = noClasses()
            .that().resideInAPackage("org.grmodelfree.semantic..")
            .should().dependOnClassesThat().resideInAPackage("org.grmodelfree.train..")
            .because("the semantic system shares layers (nn), the policy and the RNG (comm) with the link, not its"
                    + " trainers (timing and metering: timing_and_metering_belong_to_the_command_line)");

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
    static final ArchRule cli_holds_commands_and_nothing_else = classes()
            .that().resideInAPackage("org.grmodelfree.cli..").and().areTopLevelClasses()
            .should(beAPartOfTheCommandLine())
            .because("cli holds thin picocli commands, their shared options (mixins) and converters, and Main; run"
                    + " policy, launching, GNU Radio, experiments and benchmarks live in packages of their own");

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

    /**
     * What a block may use, stated as a list of what is allowed rather than of what is not (what the
     * blocks use today): the block package (BlockIo, its spec, its parameters), the learning system
     * and its storage (nn, comm, train, semantic, data, store), the JDK but its sockets and channels,
     * EJML, and of wire only the typed control messages.
     */
    @ArchTest
    static final ArchRule blocks_touch_no_socket = classes()
            .that().implement(org.grmodelfree.block.Block.class)
            .should().onlyDependOnClassesThat(blockMayUse())
            .because("a block works on buffers and typed messages through BlockIo; the runner owns the sockets,"
                    + " the codecs and the wire formats");

    /**
     * No layer below the command line times or meters itself through java.lang.management, except
     * the two places that measure the compute pool, which only nn can see: Parallel.cpuNanos (the
     * CPU time of its worker threads) and ConvBenchmark (a bench case the bench command runs).
     */
    @ArchTest
    static final ArchRule timing_and_metering_belong_to_the_command_line = noClasses()
            .that().resideInAnyPackage("org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..",
                    "org.grmodelfree.semantic..", "org.grmodelfree.store..", "org.grmodelfree.report..",
                    "org.grmodelfree.wire..", "org.grmodelfree.block..", "org.grmodelfree.data..")
            .and().doNotBelongToAnyOf(org.grmodelfree.nn.Parallel.class)
            .should().dependOnClassesThat().resideInAnyPackage("java.lang.management..", "com.sun.management..")
            .because("timing and metering belong to the command line (bench, semantic); the layers below return"
                    + " their figures and counts");

    /** What {@link #blocks_touch_no_socket} allows (an array as its element type). */
    private static com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass> blockMayUse() {
        com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass> allowed =
                com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage("org.grmodelfree.block..",
                                "org.grmodelfree.nn..", "org.grmodelfree.comm..", "org.grmodelfree.train..",
                                "org.grmodelfree.semantic..", "org.grmodelfree.data..", "org.grmodelfree.store..",
                                "java..", "org.ejml..")
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(
                                        "java.net..", "java.nio.channels..")))
                        .or(com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf(
                                org.grmodelfree.wire.ControlMessage.class));
        return com.tngtech.archunit.base.DescribedPredicate.describe(allowed.getDescription(),
                c -> allowed.test(c.isArray() ? c.getBaseComponentType() : c));
    }

    /**
     * A picocli command (annotated @Command, as Main is), an option class or mixin (it declares
     * @Option or @Parameters members), a picocli type converter, or package documentation.
     */
    private static com.tngtech.archunit.lang.ArchCondition<com.tngtech.archunit.core.domain.JavaClass>
            beAPartOfTheCommandLine() {
        return new com.tngtech.archunit.lang.ArchCondition<>("be a picocli command, an option class (mixin) or a"
                + " type converter") {
            @Override
            public void check(com.tngtech.archunit.core.domain.JavaClass c,
                              com.tngtech.archunit.lang.ConditionEvents events) {
                boolean command = c.isAnnotatedWith(picocli.CommandLine.Command.class);
                boolean options = c.getMembers().stream().anyMatch(m -> m.isAnnotatedWith(picocli.CommandLine.Option.class)
                        || m.isAnnotatedWith(picocli.CommandLine.Parameters.class)
                        || m.isAnnotatedWith(picocli.CommandLine.ArgGroup.class)
                        || m.isAnnotatedWith(picocli.CommandLine.Mixin.class));
                boolean converter = c.isAssignableTo(picocli.CommandLine.ITypeConverter.class);
                boolean docs = c.getSimpleName().equals("package-info");
                if (!(command || options || converter || docs)) {
                    events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(c, c.getName()
                            + " is neither a picocli command, an option class (mixin) nor a type converter"));
                }
            }
        };
    }

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
