package org.grmodelfree.semantic.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

/** Where the readers look first: a folder named by an environment variable. */
final class Locations {
    private Locations() {
    }

    /**
     * The path the variable {@code name} of {@code env} gives, or null when it is unset or blank.
     *
     * @throws DatasetMissingException the variable is set but its path does not pass {@code valid}
     */
    static Path override(Map<String, String> env, String name, Predicate<Path> valid, String what,
                         String installCommand) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        Path p = Path.of(value);
        if (!valid.test(p)) {
            throw new DatasetMissingException(name + "=" + value + " is not " + what
                    + " (unset it to use the installed package)", installCommand);
        }
        return p;
    }
}
