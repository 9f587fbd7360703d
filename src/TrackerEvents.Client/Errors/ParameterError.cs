namespace TrackerEvents.Client;

/// <summary>One item of an error 7 answer's <c>errors</c>: which parameter, and what is wrong with it.</summary>
public sealed record ParameterError(string Parameter, string Error);
