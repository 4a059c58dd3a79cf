package org.grmodelfree.cli;

import org.grmodelfree.run.SnrRange;
import picocli.CommandLine;

/** The picocli converter of SNR lists ({@link SnrRange}): a malformed list is a type-conversion error. */
final class SnrRangeConverter implements CommandLine.ITypeConverter<SnrRange> {
    @Override
    public SnrRange convert(String value) {
        try {
            return new SnrRange(SnrRange.parse(value));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
