package org.grmodelfree.wire;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "org.grmodelfree.wire",
        importOptions = ImportOption.DoNotIncludeTests.class)
class WireArchitectureTest {

    @ArchTest
    static final ArchRule wire_depends_on_no_other_project_package = noClasses()
            .that().resideInAPackage("org.grmodelfree.wire..")
            .should().dependOnClassesThat(resideInAPackage("org.grmodelfree..")
                    .and(not(resideInAPackage("org.grmodelfree.wire.."))))
            .because("wire is a leaf used by block only (DESIGN.md section 3)");

    @ArchTest
    static final ArchRule wire_writes_no_standard_streams =
            NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.because("codecs report through exceptions");
}
