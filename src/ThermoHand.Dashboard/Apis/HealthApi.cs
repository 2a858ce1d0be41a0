using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Apis;

/// <summary><c>/health</c>: anonymous; says whether the database answers. Reveals nothing about patients.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (IClinicStore store, CancellationToken cancellationToken) =>
        {
            try
            {
                await store.CountUsersAsync(cancellationToken);
                return Results.Ok(new { status = "healthy" });
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return Results.Json(new { status = "unhealthy", reason = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous();
        return app;
    }
}
