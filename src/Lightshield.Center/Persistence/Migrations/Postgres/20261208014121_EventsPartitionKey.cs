using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lightshield.Center.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventsPartitionKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events");

            migrationBuilder.AddPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events",
                columns: new[] { "TenantId", "EventId", "ReceivedAtUnixMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events");

            migrationBuilder.AddPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events",
                columns: new[] { "TenantId", "EventId" });
        }
    }
}
