namespace Lightshield.Center.Queries;

/// <summary>The rows of one page and the number of rows of the whole list.</summary>
public sealed record Page<T>(int Total, PageRequest Request, IReadOnlyList<T> Items);
