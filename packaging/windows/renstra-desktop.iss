; Inno Setup 6 script: a per-user installer for Renstra Desktop (no administrator rights needed).
; Compile on Windows after the PyInstaller bundle is built (see .github/workflows/windows.yml):
;   iscc /DAppVersion=0.1.0 packaging\windows\renstra-desktop.iss
; The version comes from renstra_desktop.__version__ (the workflow passes it); it is never typed here.
;
; What it does
; - installs the one-folder bundle (RenstraDesktop.exe windowed, renstra-desktop.exe console) into
;   %LOCALAPPDATA%\Programs\Renstra Desktop ({autopf} in non-administrative install mode);
; - Start menu: Renstra Desktop, and "Renstra Desktop (baris perintah)" opening a console there;
; - associates .renstra (opens the plan) and .rpkg (hands the package to the merge dialog) for this
;   user only (HKA = HKCU in non-administrative mode), as "Open with" entries plus default ProgIDs;
; - uninstalls the program folder, the shortcuts and the associations; the user's data
;   (%LOCALAPPDATA%\RenstraDesktop: plan, key, backups, log) is a different folder and is kept.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (the workflow reads renstra_desktop.__version__)
#endif
#ifndef Bundle
  #define Bundle "..\..\dist\renstra-desktop-" + AppVersion
#endif
#define AppName "Renstra Desktop"
#define AppExe "RenstraDesktop.exe"
#define CliExe "renstra-desktop.exe"
#define Publisher "Kanwil Ditjen Pemasyarakatan Nusa Tenggara Barat"
#define PlanProgId "RenstraDesktop.Plan"
#define PackageProgId "RenstraDesktop.Package"

[Setup]
; AppId identifies the installation for upgrades and uninstall: never change it
AppId={{6E0B8C1A-3F57-4E8B-9C2D-52534444A001}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#Publisher}
AppCopyright={#Publisher}
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} Setup
; per user, no UAC prompt: {autopf} is %LOCALAPPDATA%\Programs, {autoprograms} the user's Start menu
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; the bundle is 64-bit Python/Qt
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=RenstraDesktop-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\renstra-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; refresh Explorer's icons for .renstra/.rpkg after install and uninstall
ChangesAssociations=yes
; a running copy holds its files open: let Restart Manager close it before files are replaced
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=no

[Languages]
; Inno Setup ships no Indonesian wizard translation; the wizard speaks English, our own texts below
; are Indonesian.
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.PlanFile=Berkas rencana Renstra
english.PackageFile=Paket Renstra satker
english.CommandLine=Renstra Desktop (baris perintah)
english.Associate=Buka berkas .renstra dan .rpkg dengan Renstra Desktop
english.RunNow=Jalankan Renstra Desktop
english.FileTypes=Jenis berkas:

[Tasks]
Name: "associate"; Description: "{cm:Associate}"; GroupDescription: "{cm:FileTypes}"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; the whole PyInstaller folder (both executables and _internal\)
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autoprograms}\{cm:CommandLine}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" --help"; WorkingDir: "{userdocs}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .renstra -> RenstraDesktop.Plan: opens the plan (a second double-click reaches the open window)
Root: HKA; Subkey: "Software\Classes\.renstra"; ValueType: string; ValueName: ""; ValueData: "{#PlanProgId}"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.renstra\OpenWithProgids"; ValueType: string; ValueName: "{#PlanProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#PlanProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:PlanFile}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#PlanProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#PlanProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: associate
; .rpkg -> RenstraDesktop.Package: the installation's plan opens with the merge dialog (Kanwil), or
; the dialog's dry run explains why a package does not belong to this unit's file (UPT)
Root: HKA; Subkey: "Software\Classes\.rpkg"; ValueType: string; ValueName: ""; ValueData: "{#PackageProgId}"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.rpkg\OpenWithProgids"; ValueType: string; ValueName: "{#PackageProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#PackageProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:PackageFile}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#PackageProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#PackageProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: associate
; "Open with" lists the program by its executable name
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".renstra"; ValueData: ""; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".rpkg"; ValueData: ""; Tasks: associate

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:RunNow}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the program itself leaves in its own folder (bytecode caches); the data folder
; %LOCALAPPDATA%\RenstraDesktop is never listed here
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
