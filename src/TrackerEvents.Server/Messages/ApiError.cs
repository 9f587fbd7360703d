namespace TrackerEvents.Messages;

/// <summary>An error of the Navixy error table (docs/protocol.md, error codes): code, description and HTTP status.</summary>
internal sealed record ApiError(int Code, string Description, int HttpStatus = 400)
{
    public static readonly ApiError DatabaseError = new(1, "Database error", 500);
    public static readonly ApiError ServiceAuth = new(2, "Service Auth error", 403);
    public static readonly ApiError WrongHash = new(3, "Wrong hash");
    public static readonly ApiError SessionEnded = new(4, "User or API key not found or session ended");
    public static readonly ApiError WrongFormat = new(5, "Wrong request format");
    public static readonly ApiError Unexpected = new(6, "Unexpected error", 500);
    public static readonly ApiError InvalidParameters = new(7, "Invalid parameters");
    public static readonly ApiError TooLarge = new(9, "Too large request", 412);
    public static readonly ApiError DatabaseUnavailable = new(14, "Database unavailable", 503);
    public static readonly ApiError TooManyRequests = new(15, "Too many requests (rate limit exceeded)", 429);
    public static readonly ApiError WrongLogin = new(102, "Wrong login or password");
    public static readonly ApiError LoginsLimit = new(104, "Logins limit exceeded, please reuse existing sessions instead");
    public static readonly ApiError LoginAttemptsLimit = new(105, "Login attempts limit exceeded, try again later");
    public static readonly ApiError WrongHandler = new(111, "Wrong handler");
    public static readonly ApiError WrongMethod = new(112, "Wrong method");
    public static readonly ApiError NotFound = new(201, "Not found in the database");
    public static readonly ApiError EntityNotFound = new(204, "Entity not found", 404);
    public static readonly ApiError LoginInUse = new(206, "Login already in use");
    public static readonly ApiError DeviceBlocked = new(208, "Device blocked", 403);
    public static readonly ApiError NonexistentEntities = new(217, "List contains nonexistent entities");
    public static readonly ApiError DeviceIdInUse = new(224, "Device ID already in use");
    public static readonly ApiError AlreadyCorrupted = new(252, "Device already corrupted");
    public static readonly ApiError OverQuota = new(268, "Over quota", 402);
    public static readonly ApiError UserBlocked = new(275, "User is blocked", 403);
    public static readonly ApiError SessionTypeForbidden = new(276, "Action is forbidden for received session type", 403);
}
