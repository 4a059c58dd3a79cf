package org.grmodelfree;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import org.grmodelfree.block.Block;
import org.grmodelfree.block.BlockSpec;
import org.grmodelfree.wire.ControlMessage;
import picocli.CommandLine;

/**
 * The architecture of docs/architecture.md, stated as rules. Library layers, each using only those
 * before it: nn, comm, train (the link's learning); semantic.data, semantic.model (the semantic
 * system's data sets and learning, beside the link's, sharing nn and comm); report and wire (leaves
 * of their own: files and plots, sockets and wire formats); store and semantic.store (model and
 * checkpoint files); block and semantic.block (the block contract, its runner and the blocks). Above
 * them the application layers: run and semantic.run (a training run's policy, outputs and meters),
 * launch (block processes), gnuradio, experiments, bench, and cli on top, which holds picocli
 * commands only.
 */
@AnalyzeClasses(packages = "org.grmodelfree", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String NN = "org.grmodelfree.nn..";
    private static final String COMM = "org.grmodelfree.comm..";
    private static final String TRAIN = "org.grmodelfree.train..";
    private static final String SEMANTIC_DATA = "org.grmodelfree.semantic.data..";
    private static final String SEMANTIC_MODEL = "org.grmodelfree.semantic.model..";
    private static final String REPORT = "org.grmodelfree.report..";
    private static final String WIRE = "org.grmodelfree.wire..";
    private static final String STORE = "org.grmodelfree.store..";
    private static final String SEMANTIC_STORE = "org.grmodelfree.semantic.store..";
    private static final String BLOCK = "org.grmodelfree.block..";
    private static final String SEMANTIC_BLOCK = "org.grmodelfree.semantic.block..";
    private static final String RUN = "org.grmodelfree.run..";
    private static final String SEMANTIC_RUN = "org.grmodelfree.semantic.run..";
    private static final String CLI = "org.grmodelfree.cli..";

    /** The layers below the application: they compute, store and carry, and measure nothing of themselves. */
    private static final String[] LIBRARY = {NN, COMM, TRAIN, SEMANTIC_DATA, SEMANTIC_MODEL, REPORT, WIRE, STORE,
            SEMANTIC_STORE, BLOCK, SEMANTIC_BLOCK};
    /** The learning code of both systems. */
    private static final String[] LEARNING = {NN, COMM, TRAIN, SEMANTIC_MODEL};

    @ArchTest
    static final ArchRule layers_depend_one_way = layeredArchitecture()
            .consideringOnlyDependenciesInAnyPackage("org.grmodelfree..")
            .layer("nn").definedBy(NN)
            .layer("comm").definedBy(COMM)
            .layer("train").definedBy(TRAIN)
            .layer("semantic.data").definedBy(SEMANTIC_DATA)
            .layer("semantic.model").definedBy(SEMANTIC_MODEL)
            .layer("report").definedBy(REPORT)
            .layer("wire").definedBy(WIRE)
            .layer("store").definedBy(STORE)
            .layer("semantic.store").definedBy(SEMANTIC_STORE)
            .layer("block").definedBy(BLOCK)
            .layer("semantic.block").definedBy(SEMANTIC_BLOCK)
            .layer("run").definedBy(RUN)
            .layer("semantic.run").definedBy(SEMANTIC_RUN)
            .layer("launch").definedBy("org.grmodelfree.launch..")
            .layer("gnuradio").definedBy("org.grmodelfree.gnuradio..")
            .layer("sweep").definedBy("org.grmodelfree.sweep..")
            .layer("experiments").definedBy("org.grmodelfree.experiments..")
            .layer("bench").definedBy("org.grmodelfree.bench..")
            .layer("cli").definedBy(CLI)
            .whereLayer("nn").mayNotAccessAnyLayer()
            .whereLayer("comm").mayOnlyAccessLayers("nn")
            .whereLayer("train").mayOnlyAccessLayers("nn", "comm")
            .whereLayer("semantic.data").mayNotAccessAnyLayer()
            .whereLayer("semantic.model").mayOnlyAccessLayers("nn", "comm", "semantic.data")
            .whereLayer("report").mayNotAccessAnyLayer()
            .whereLayer("wire").mayNotAccessAnyLayer()
            .whereLayer("store").mayOnlyAccessLayers("nn", "comm", "train", "report")
            .whereLayer("semantic.store").mayOnlyAccessLayers("nn", "comm", "semantic.model", "store", "report")
            .whereLayer("block").mayOnlyAccessLayers("nn", "comm", "train", "store", "report", "wire")
            .whereLayer("semantic.block").mayOnlyAccessLayers("nn", "comm", "semantic.data", "semantic.model",
                    "semantic.store", "block", "wire")
            .whereLayer("run").mayOnlyAccessLayers("nn", "comm", "train", "store", "report")
            .whereLayer("semantic.run").mayOnlyAccessLayers("nn", "comm", "semantic.data", "semantic.model",
                    "semantic.store", "report", "run")
            .whereLayer("launch").mayOnlyAccessLayers("nn", "comm", "train", "store", "report", "block",
                    "semantic.block", "run")
            .whereLayer("gnuradio").mayOnlyAccessLayers("nn", "comm", "train", "store", "report", "run", "launch",
                    "semantic.run")
            .whereLayer("sweep").mayOnlyAccessLayers("nn", "comm", "train", "store", "report", "run")
            .whereLayer("experiments").mayOnlyAccessLayers("nn", "comm", "train", "store", "report", "run", "sweep")
            .whereLayer("bench").mayOnlyAccessLayers("nn", "comm", "train", "store", "report", "wire", "block",
                    "run", "launch", "gnuradio")
            .because("docs/architecture.md: dependencies point one way; transport is the runner's (and the stream"
                    + " bench's); cli's commands sit on the run policies, launch, gnuradio, experiments and bench");

    @ArchTest
    static final ArchRule only_sweeps_see_spark = noClasses()
            .that().resideOutsideOfPackage("org.grmodelfree.sweep..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
            .because("Spark is provided, not in the jar: train and the blocks must start without it, so only the"
                    + " sweep package may load it");

    @ArchTest
    static final ArchRule no_package_cycles = slices().matching("org.grmodelfree.(**)").should().beFreeOfCycles()
            .because("packages by capability depend one way");

    @ArchTest
    static final ArchRule learning_code_never_sees_transport = noClasses()
            .that().resideInAnyPackage(LEARNING)
            .should().dependOnClassesThat().resideInAnyPackage(WIRE, "org.zeromq..", "zmq..", "org.msgpack..",
                    "java.net..", "java.nio.channels..")
            .because("training logic knows nothing of sockets or wire formats; trainers take matrices and typed feedback");

    @ArchTest
    static final ArchRule learning_code_does_no_file_io_or_output = noClasses()
            .that().resideInAnyPackage(LEARNING)
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", REPORT, "picocli..", "org.knowm..",
                    "com.fasterxml..")
            .because("files, plots and the command line belong to store, report, the run policies and cli");

    @ArchTest
    static final ArchRule the_two_systems_are_independent = noClasses()
            .that().resideInAPackage("org.grmodelfree.semantic..")
            .should().dependOnClassesThat().resideInAPackage(TRAIN)
            .because("the semantic system shares layers (nn), the policy and the RNG (comm), the block contract and"
                    + " the file helpers with the link, not its trainers");

    @ArchTest
    static final ArchRule data_stands_alone = classes()
            .that().resideInAPackage(SEMANTIC_DATA)
            .should().onlyDependOnClassesThat().resideInAnyPackage(SEMANTIC_DATA, "java..", "com.fasterxml.jackson.core..")
            .because("the data readers are the semantic system's bottom layer (docs/design.md, \"Semantic"
                    + " communication\"): they need nothing of ours");

    @ArchTest
    static final ArchRule timing_and_metering_belong_to_the_application = noClasses()
            .that().resideInAnyPackage(LIBRARY)
            .should().dependOnClassesThat().resideInAnyPackage("java.lang.management..", "com.sun.management..")
            .because("the library layers return their figures and counts; the run policies (run.Meters) and the"
                    + " bench measure time, CPU and memory");

    @ArchTest
    static final ArchRule only_the_command_line_writes_standard_streams = classes()
            .that().resideOutsideOfPackage(CLI)
            .should(not(ACCESS_STANDARD_STREAMS))
            .because("libraries report through return values and exceptions; only the command line prints");

    @ArchTest
    static final ArchRule command_line_prints_through_picocli = noClasses()
            .that().resideInAPackage(CLI).and().doNotHaveSimpleName("Main")
            .should(ACCESS_STANDARD_STREAMS)
            .because("commands write to picocli's out and err writers so tests can capture them");

    @ArchTest
    static final ArchRule cli_holds_commands_and_nothing_else = classes()
            .that().resideInAPackage(CLI).and().areTopLevelClasses()
            .should(beAPartOfTheCommandLine())
            .because("cli holds thin picocli commands, their shared options (mixins) and converters, and Main; run"
                    + " policy, launching, GNU Radio, experiments and benchmarks live in packages of their own");

    @ArchTest
    static final ArchRule blocks_live_in_a_block_package_and_are_named_so = classes()
            .that().implement(Block.class)
            .should().resideInAnyPackage("org.grmodelfree.block", "org.grmodelfree.semantic.block")
            .andShould().haveSimpleNameEndingWith("Block")
            .andShould().bePublic().andShould().haveModifier(JavaModifier.FINAL)
            .because("a block is found by its name and package, as GNU Radio's are");

    @ArchTest
    static final ArchRule classes_named_block_are_blocks = classes()
            .that().haveSimpleNameEndingWith("Block").and().areTopLevelClasses().and().areNotInterfaces()
            .should().implement(Block.class)
            .because("the name promises the block contract");

    @ArchTest
    static final ArchRule blocks_declare_ports_and_parameters_once = classes()
            .that().implement(Block.class)
            .should(declareSpec())
            .because("ports and parameters are declared once, in a public static final BlockSpec SPEC, from which"
                    + " the command line, --describe and the GRC YAML check are derived");

    /**
     * What a block may use, stated as what is allowed rather than what is not: the block contract
     * (BlockIo, its spec, its parameters), the learning systems and their files, the JDK but its
     * sockets and channels, EJML, and of wire only the typed control messages.
     */
    @ArchTest
    static final ArchRule blocks_touch_no_socket = classes()
            .that().implement(Block.class)
            .should().onlyDependOnClassesThat(blockMayUse())
            .because("a block works on buffers and typed messages through BlockIo; the runner owns the sockets,"
                    + " the codecs and the wire formats");

    /** What {@link #blocks_touch_no_socket} allows (an array as its element type). */
    private static DescribedPredicate<JavaClass> blockMayUse() {
        DescribedPredicate<JavaClass> allowed = resideInAnyPackage(BLOCK, SEMANTIC_BLOCK, NN, COMM, TRAIN, STORE,
                SEMANTIC_DATA, SEMANTIC_MODEL, SEMANTIC_STORE, "java..", "org.ejml..")
                .and(DescribedPredicate.not(resideInAnyPackage("java.net..", "java.nio.channels..")))
                .or(belongToAnyOf(ControlMessage.class));
        return DescribedPredicate.describe(allowed.getDescription(),
                c -> allowed.test(c.isArray() ? c.getBaseComponentType() : c));
    }

    /**
     * A picocli command (annotated @Command, as Main is), an option class or mixin (it declares
     * @Option, @Parameters, @ArgGroup or @Mixin members), a picocli type converter, or the
     * package's documentation.
     */
    private static ArchCondition<JavaClass> beAPartOfTheCommandLine() {
        return new ArchCondition<>("be a picocli command, an option class (mixin) or a type converter") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                boolean command = c.isAnnotatedWith(CommandLine.Command.class);
                boolean options = c.getMembers().stream().anyMatch(m -> m.isAnnotatedWith(CommandLine.Option.class)
                        || m.isAnnotatedWith(CommandLine.Parameters.class)
                        || m.isAnnotatedWith(CommandLine.ArgGroup.class)
                        || m.isAnnotatedWith(CommandLine.Mixin.class));
                boolean converter = c.isAssignableTo(CommandLine.ITypeConverter.class);
                boolean docs = c.getSimpleName().equals("package-info");
                if (!(command || options || converter || docs)) {
                    events.add(SimpleConditionEvent.violated(c, c.getName()
                            + " is neither a picocli command, an option class (mixin) nor a type converter"));
                }
            }
        };
    }

    private static ArchCondition<JavaClass> declareSpec() {
        return new ArchCondition<>("declare a public static final BlockSpec SPEC") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                boolean ok = c.tryGetField("SPEC").map(f -> f.getRawType().isEquivalentTo(BlockSpec.class)
                        && f.getModifiers().containsAll(Set.of(JavaModifier.PUBLIC, JavaModifier.STATIC,
                                JavaModifier.FINAL))).orElse(false);
                long specs = c.getFields().stream().filter(f -> f.getRawType().isEquivalentTo(BlockSpec.class)).count();
                if (!ok || specs != 1) {
                    events.add(SimpleConditionEvent.violated(c, c.getName()
                            + " must declare exactly one BlockSpec, as public static final SPEC"));
                }
            }
        };
    }
}
