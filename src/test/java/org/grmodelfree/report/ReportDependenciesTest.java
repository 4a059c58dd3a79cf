package org.grmodelfree.report;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ReportDependenciesTest {

    @Test
    void dependsOnlyOnJdkXChartAndJackson() {
        // Only the names of the referenced classes matter: skip loading them from the class path.
        ArchConfiguration config = ArchConfiguration.get();
        boolean resolve = config.resolveMissingDependenciesFromClassPath();
        JavaClasses report;
        try {
            config.setResolveMissingDependenciesFromClassPath(false);
            report = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("org.grmodelfree.report");
        } finally {
            config.setResolveMissingDependenciesFromClassPath(resolve);
        }
        classes().that().resideInAPackage("org.grmodelfree.report")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "org.grmodelfree.report", "java..", "javax..", "org.knowm.xchart..",
                        "com.fasterxml.jackson..", "")
                .check(report);
    }
}
