using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lightshield.Center.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Time = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Details = table.Column<string>(type: "TEXT", nullable: false),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_log", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "background_leases",
                columns: table => new
                {
                    Job = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresAtUnixMs = table.Column<long>(type: "INTEGER", nullable: false),
                    HeldSinceUnixMs = table.Column<long>(type: "INTEGER", nullable: false),
                    NextRunAtUnixMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_background_leases", x => x.Job);
                });

            migrationBuilder.CreateTable(
                name: "credential_signing_keys",
                columns: table => new
                {
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PrivateKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    PublicKey = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_credential_signing_keys", x => x.KeyId);
                });

            migrationBuilder.CreateTable(
                name: "credential_tombstones",
                columns: table => new
                {
                    CredentialId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_credential_tombstones", x => x.CredentialId);
                });

            migrationBuilder.CreateTable(
                name: "host_scan_slots",
                columns: table => new
                {
                    HypervisorHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Slot = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TaskId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ExpiresAtUnixMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_host_scan_slots", x => new { x.HypervisorHost, x.Slot });
                });

            migrationBuilder.CreateTable(
                name: "link_marks",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_link_marks", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "link_outbox",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Item = table.Column<byte[]>(type: "BLOB", nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_link_outbox", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "link_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantName = table.Column<string>(type: "TEXT", nullable: false),
                    Licence = table.Column<string>(type: "TEXT", nullable: true),
                    LicenceKey = table.Column<string>(type: "TEXT", nullable: true),
                    Suspended = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastQueuedSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    PolicyTemplateSha256 = table.Column<string>(type: "TEXT", nullable: true),
                    MovedFromAgentKeys = table.Column<string>(type: "TEXT", nullable: true),
                    RedirectAddress = table.Column<string>(type: "TEXT", nullable: true),
                    RedirectCertificateSha256 = table.Column<string>(type: "TEXT", nullable: true),
                    LastExchangeAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_link_state", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "moved_audit_log",
                columns: table => new
                {
                    MoveId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Time = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", nullable: false),
                    Target = table.Column<string>(type: "TEXT", nullable: false),
                    Details = table.Column<string>(type: "TEXT", nullable: false),
                    PreviousHash = table.Column<string>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_moved_audit_log", x => new { x.MoveId, x.Sequence });
                });

            migrationBuilder.CreateTable(
                name: "outbreak_hunts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hashes = table.Column<string>(type: "TEXT", maxLength: 650000, nullable: false),
                    HashCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbreak_hunts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "policy_template",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_policy_template", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "scan_server_tokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ServerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HypervisorHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Segment = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Site = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scan_server_tokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "scan_server_update_states",
                columns: table => new
                {
                    ServerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RunningVersionId = table.Column<long>(type: "INTEGER", nullable: true),
                    RunningSince = table.Column<long>(type: "INTEGER", nullable: true),
                    TargetVersionId = table.Column<long>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FailedVersionId = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LastCheckAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scan_server_update_states", x => x.ServerId);
                });

            migrationBuilder.CreateTable(
                name: "scan_servers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CertificateSha256 = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HypervisorHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Segment = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Site = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    Load = table.Column<double>(type: "REAL", nullable: false),
                    EngineVersion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DatabaseVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RegisteredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TokenId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scan_servers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "segments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_segments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "update_download_slots",
                columns: table => new
                {
                    Slot = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ServerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ExpiresAtUnixMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_update_download_slots", x => x.Slot);
                });

            migrationBuilder.CreateTable(
                name: "update_versions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DatabaseVersion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SignatureCount = table.Column<long>(type: "INTEGER", nullable: false),
                    FileCount = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_update_versions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    SegmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_tenants_segments_SegmentId",
                        column: x => x.SegmentId,
                        principalTable: "segments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "update_rollouts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TargetVersionId = table.Column<long>(type: "INTEGER", nullable: false),
                    BaselineVersionId = table.Column<long>(type: "INTEGER", nullable: true),
                    CanaryServerIds = table.Column<string>(type: "TEXT", nullable: false),
                    Phase = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FullAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false),
                    HaltReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_update_rollouts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_update_rollouts_update_versions_TargetVersionId",
                        column: x => x.TargetVersionId,
                        principalTable: "update_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "update_version_files",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    VersionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    DatabaseVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    Signatures = table.Column<long>(type: "INTEGER", nullable: true),
                    BuildTime = table.Column<long>(type: "INTEGER", nullable: true),
                    Distributed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_update_version_files", x => x.Id);
                    table.ForeignKey(
                        name: "FK_update_version_files_update_versions_VersionId",
                        column: x => x.VersionId,
                        principalTable: "update_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_events",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    CreatedAtUnixMs = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAtUnixMs = table.Column<long>(type: "INTEGER", nullable: false),
                    PayloadJson = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_events", x => new { x.TenantId, x.EventId });
                    table.ForeignKey(
                        name: "FK_agent_events_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_groups",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_groups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_groups_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "hunts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hashes = table.Column<string>(type: "TEXT", maxLength: 650000, nullable: false),
                    HashCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    DatabaseVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    OutbreakHuntId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hunts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_hunts_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "inventory_instances",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_instances", x => x.InstanceId);
                    table.ForeignKey(
                        name: "FK_inventory_instances_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "link_reset_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssuedBy = table.Column<string>(type: "TEXT", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AppliedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    GroupsReset = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_link_reset_orders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_link_reset_orders_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linked_centers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastContactAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<string>(type: "TEXT", nullable: true),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    SnapshotAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Agents = table.Column<int>(type: "INTEGER", nullable: false),
                    Vcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    ProtectedAgents = table.Column<int>(type: "INTEGER", nullable: false),
                    HealthGreen = table.Column<int>(type: "INTEGER", nullable: false),
                    HealthAmber = table.Column<int>(type: "INTEGER", nullable: false),
                    HealthRed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_linked_centers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_linked_centers_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linked_detection_days",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Detections = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_linked_detection_days", x => new { x.TenantId, x.Day });
                    table.ForeignKey(
                        name: "FK_linked_detection_days_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "quarantine_keys",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PublicKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EncryptedPrivateKeyPem = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_quarantine_keys", x => x.TenantId);
                    table.ForeignKey(
                        name: "FK_quarantine_keys_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scan_tasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    PathsJson = table.Column<string>(type: "TEXT", nullable: false),
                    Force = table.Column<bool>(type: "INTEGER", nullable: false),
                    Scheduled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ScheduleName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scan_tasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_scan_tasks_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_licence_status",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    ActiveVcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    LicensedVcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    LicenceSerial = table.Column<long>(type: "INTEGER", nullable: true),
                    LicenceValidUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    RefusedSerials = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CheckedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_licence_status", x => x.TenantId);
                    table.ForeignKey(
                        name: "FK_tenant_licence_status_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_licences",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Serial = table.Column<long>(type: "INTEGER", nullable: false),
                    Vcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    ValidFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    ValidUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signature = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_licences", x => x.Id);
                    table.ForeignKey(
                        name: "FK_tenant_licences_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_hours",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    VcpuSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    PeakVcpus = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_hours", x => new { x.TenantId, x.Hour });
                    table.ForeignKey(
                        name: "FK_usage_hours_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Role = table.Column<int>(type: "INTEGER", nullable: false),
                    MustChangePassword = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.Id);
                    table.ForeignKey(
                        name: "FK_users_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HostName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    HypervisorHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Vcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    InventoryInstanceId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CredentialId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EnrolledAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CredentialExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PublicKey = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agents_agent_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "agent_groups",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_agents_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "enrolment_tokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_enrolment_tokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_enrolment_tokens_agent_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "agent_groups",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_enrolment_tokens_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "group_policies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 210, nullable: false),
                    ResetByProviderAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SchedulesPlannedUntilUnixMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_policies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_group_policies_agent_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "agent_groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_group_policies_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_moves",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LinkedCenterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentAddress = table.Column<string>(type: "TEXT", nullable: false),
                    AgentCertificateSha256 = table.Column<string>(type: "TEXT", nullable: true),
                    OrderedBy = table.Column<string>(type: "TEXT", nullable: false),
                    OrderedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PulledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AuditDigest = table.Column<string>(type: "TEXT", nullable: true),
                    AppliedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AgentsMoved = table.Column<int>(type: "INTEGER", nullable: true),
                    ToHosted = table.Column<bool>(type: "INTEGER", nullable: false),
                    FormerAgentKeys = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_moves", x => x.Id);
                    table.ForeignKey(
                        name: "FK_tenant_moves_linked_centers_LinkedCenterId",
                        column: x => x.LinkedCenterId,
                        principalTable: "linked_centers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_tenant_moves_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_tokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_tokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_api_tokens_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_api_tokens_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_health",
                columns: table => new
                {
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OnAccessConfigured = table.Column<bool>(type: "INTEGER", nullable: false),
                    OnAccessActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    OnAccessFailure = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    LastFullScanAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastMemoryScanAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DatabaseAgeSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    FileSystemsJson = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    UpdateManager = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PendingUpdates = table.Column<int>(type: "INTEGER", nullable: true),
                    PendingSecurityUpdates = table.Column<int>(type: "INTEGER", nullable: true),
                    FailedUnitsCount = table.Column<int>(type: "INTEGER", nullable: true),
                    FailedUnitsJson = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: false),
                    RebootRequired = table.Column<bool>(type: "INTEGER", nullable: false),
                    ClockSkewMs = table.Column<long>(type: "INTEGER", nullable: true),
                    FirewallState = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FirewallRulesSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FirewallRepairs = table.Column<int>(type: "INTEGER", nullable: false),
                    FirewallCountersJson = table.Column<string>(type: "TEXT", maxLength: 250000, nullable: false),
                    FirewallLeftOutJson = table.Column<string>(type: "TEXT", maxLength: 25000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_health", x => x.AgentId);
                    table.ForeignKey(
                        name: "FK_agent_health_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_hunt_runs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HuntId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MatchCount = table.Column<int>(type: "INTEGER", nullable: false),
                    QuarantineRequestedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    QuarantineDoneAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_hunt_runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_hunt_runs_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_agent_hunt_runs_hunts_HuntId",
                        column: x => x.HuntId,
                        principalTable: "hunts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_presence",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    Until = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_presence", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_presence_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_status",
                columns: table => new
                {
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OperatingSystem = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kernel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UptimeSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    DiskTotalBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    DiskFreeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    OnAccessEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ScanServer = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ScanServerReachable = table.Column<bool>(type: "INTEGER", nullable: false),
                    DatabaseVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_status", x => x.AgentId);
                    table.ForeignKey(
                        name: "FK_agent_status_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_task_runs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NotBeforeUnixMs = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Delivered = table.Column<bool>(type: "INTEGER", nullable: false),
                    FilesScanned = table.Column<long>(type: "INTEGER", nullable: false),
                    FilesInfected = table.Column<long>(type: "INTEGER", nullable: false),
                    FilesFailed = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesRead = table.Column<long>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_task_runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_task_runs_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_agent_task_runs_scan_tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "scan_tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "hunt_matches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HuntId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    LastScannedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hunt_matches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_hunt_matches_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_hunt_matches_hunts_HuntId",
                        column: x => x.HuntId,
                        principalTable: "hunts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "quarantine_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EncryptedPath = table.Column<byte[]>(type: "BLOB", nullable: false),
                    NamesJson = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    QuarantinedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    WrappedDataKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    KeyFingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    RestoreKeyForAgent = table.Column<byte[]>(type: "BLOB", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_quarantine_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_quarantine_items_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_agent_events_ReceivedAtUnixMs",
                table: "agent_events",
                column: "ReceivedAtUnixMs");

            migrationBuilder.CreateIndex(
                name: "IX_agent_events_TenantId_CreatedAtUnixMs",
                table: "agent_events",
                columns: new[] { "TenantId", "CreatedAtUnixMs" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_events_TenantId_Type_CreatedAtUnixMs",
                table: "agent_events",
                columns: new[] { "TenantId", "Type", "CreatedAtUnixMs" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_groups_TenantId_Name",
                table: "agent_groups",
                columns: new[] { "TenantId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agent_health_TenantId",
                table: "agent_health",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_agent_hunt_runs_AgentId_AnsweredAt",
                table: "agent_hunt_runs",
                columns: new[] { "AgentId", "AnsweredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_hunt_runs_HuntId_AgentId",
                table: "agent_hunt_runs",
                columns: new[] { "HuntId", "AgentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agent_presence_AgentId_Until",
                table: "agent_presence",
                columns: new[] { "AgentId", "Until" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_presence_TenantId",
                table: "agent_presence",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_agent_presence_Until_From",
                table: "agent_presence",
                columns: new[] { "Until", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_status_TenantId",
                table: "agent_status",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_agent_task_runs_AgentId_Delivered",
                table: "agent_task_runs",
                columns: new[] { "AgentId", "Delivered" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_task_runs_TaskId_AgentId",
                table: "agent_task_runs",
                columns: new[] { "TaskId", "AgentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agents_CredentialId",
                table: "agents",
                column: "CredentialId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agents_GroupId",
                table: "agents",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_agents_InventoryInstanceId",
                table: "agents",
                column: "InventoryInstanceId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agents_RevokedAt",
                table: "agents",
                column: "RevokedAt",
                filter: "\"RevokedAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_agents_TenantId",
                table: "agents",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_api_tokens_SecretHash",
                table: "api_tokens",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_api_tokens_TenantId",
                table: "api_tokens",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_api_tokens_UserId",
                table: "api_tokens",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_TenantId",
                table: "audit_log",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_enrolment_tokens_GroupId",
                table: "enrolment_tokens",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_enrolment_tokens_SecretHash",
                table: "enrolment_tokens",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_enrolment_tokens_TenantId",
                table: "enrolment_tokens",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_group_policies_GroupId",
                table: "group_policies",
                column: "GroupId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_group_policies_TenantId",
                table: "group_policies",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_host_scan_slots_LeaseId",
                table: "host_scan_slots",
                column: "LeaseId");

            migrationBuilder.CreateIndex(
                name: "IX_hunt_matches_AgentId",
                table: "hunt_matches",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_hunt_matches_HuntId_AgentId",
                table: "hunt_matches",
                columns: new[] { "HuntId", "AgentId" });

            migrationBuilder.CreateIndex(
                name: "IX_hunts_OutbreakHuntId",
                table: "hunts",
                column: "OutbreakHuntId");

            migrationBuilder.CreateIndex(
                name: "IX_hunts_TenantId_CreatedAt",
                table: "hunts",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_hunts_TenantId_Kind_DatabaseVersion",
                table: "hunts",
                columns: new[] { "TenantId", "Kind", "DatabaseVersion" });

            migrationBuilder.CreateIndex(
                name: "IX_inventory_instances_TenantId",
                table: "inventory_instances",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_link_reset_orders_TenantId_AppliedAt",
                table: "link_reset_orders",
                columns: new[] { "TenantId", "AppliedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_linked_centers_Name",
                table: "linked_centers",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_linked_centers_SecretHash",
                table: "linked_centers",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_linked_centers_TenantId",
                table: "linked_centers",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_moved_audit_log_TenantId",
                table: "moved_audit_log",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_outbreak_hunts_CreatedAt",
                table: "outbreak_hunts",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_quarantine_items_AgentId_State",
                table: "quarantine_items",
                columns: new[] { "AgentId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_quarantine_items_TenantId_AgentId_ItemId",
                table: "quarantine_items",
                columns: new[] { "TenantId", "AgentId", "ItemId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scan_server_tokens_SecretHash",
                table: "scan_server_tokens",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scan_servers_Segment",
                table: "scan_servers",
                column: "Segment");

            migrationBuilder.CreateIndex(
                name: "IX_scan_tasks_TenantId_CreatedAt",
                table: "scan_tasks",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_segments_Name",
                table: "segments",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tenant_licences_TenantId_Serial",
                table: "tenant_licences",
                columns: new[] { "TenantId", "Serial" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tenant_moves_LinkedCenterId",
                table: "tenant_moves",
                column: "LinkedCenterId");

            migrationBuilder.CreateIndex(
                name: "IX_tenant_moves_TenantId",
                table: "tenant_moves",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_tenants_Name",
                table: "tenants",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tenants_SegmentId",
                table: "tenants",
                column: "SegmentId");

            migrationBuilder.CreateIndex(
                name: "IX_update_download_slots_LeaseId",
                table: "update_download_slots",
                column: "LeaseId");

            migrationBuilder.CreateIndex(
                name: "IX_update_rollouts_TargetVersionId",
                table: "update_rollouts",
                column: "TargetVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_update_version_files_Sha256",
                table: "update_version_files",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_update_version_files_VersionId_Name",
                table: "update_version_files",
                columns: new[] { "VersionId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_usage_hours_Hour",
                table: "usage_hours",
                column: "Hour");

            migrationBuilder.CreateIndex(
                name: "IX_users_TenantId_UserName",
                table: "users",
                columns: new[] { "TenantId", "UserName" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agent_events");

            migrationBuilder.DropTable(
                name: "agent_health");

            migrationBuilder.DropTable(
                name: "agent_hunt_runs");

            migrationBuilder.DropTable(
                name: "agent_presence");

            migrationBuilder.DropTable(
                name: "agent_status");

            migrationBuilder.DropTable(
                name: "agent_task_runs");

            migrationBuilder.DropTable(
                name: "api_tokens");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "background_leases");

            migrationBuilder.DropTable(
                name: "credential_signing_keys");

            migrationBuilder.DropTable(
                name: "credential_tombstones");

            migrationBuilder.DropTable(
                name: "enrolment_tokens");

            migrationBuilder.DropTable(
                name: "group_policies");

            migrationBuilder.DropTable(
                name: "host_scan_slots");

            migrationBuilder.DropTable(
                name: "hunt_matches");

            migrationBuilder.DropTable(
                name: "inventory_instances");

            migrationBuilder.DropTable(
                name: "link_marks");

            migrationBuilder.DropTable(
                name: "link_outbox");

            migrationBuilder.DropTable(
                name: "link_reset_orders");

            migrationBuilder.DropTable(
                name: "link_state");

            migrationBuilder.DropTable(
                name: "linked_detection_days");

            migrationBuilder.DropTable(
                name: "moved_audit_log");

            migrationBuilder.DropTable(
                name: "outbreak_hunts");

            migrationBuilder.DropTable(
                name: "policy_template");

            migrationBuilder.DropTable(
                name: "quarantine_items");

            migrationBuilder.DropTable(
                name: "quarantine_keys");

            migrationBuilder.DropTable(
                name: "scan_server_tokens");

            migrationBuilder.DropTable(
                name: "scan_server_update_states");

            migrationBuilder.DropTable(
                name: "scan_servers");

            migrationBuilder.DropTable(
                name: "tenant_licence_status");

            migrationBuilder.DropTable(
                name: "tenant_licences");

            migrationBuilder.DropTable(
                name: "tenant_moves");

            migrationBuilder.DropTable(
                name: "update_download_slots");

            migrationBuilder.DropTable(
                name: "update_rollouts");

            migrationBuilder.DropTable(
                name: "update_version_files");

            migrationBuilder.DropTable(
                name: "usage_hours");

            migrationBuilder.DropTable(
                name: "scan_tasks");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "hunts");

            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropTable(
                name: "linked_centers");

            migrationBuilder.DropTable(
                name: "update_versions");

            migrationBuilder.DropTable(
                name: "agent_groups");

            migrationBuilder.DropTable(
                name: "tenants");

            migrationBuilder.DropTable(
                name: "segments");
        }
    }
}
