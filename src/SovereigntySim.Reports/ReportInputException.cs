namespace SovereigntySim.Reports;

/// <summary>The folder cannot be reported on: it does not exist, holds none of the known files, or a file breaks the
/// contract (missing column, unreadable JSON). The message is one line meant for the user.</summary>
public sealed class ReportInputException(string message) : Exception(message);
