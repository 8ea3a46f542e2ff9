"""A second office (issue 12 §2): the Kanwil of Sulawesi Tengah, other units, four indicators and
the Renstra 2030-2034, typed into the blank rencana template with openpyxl as a user would."""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from renstra_desktop.cli import main

OFFICE = "KANTOR WILAYAH DITJEN PEMASYARAKATAN SULAWESI TENGAH"
YEARS = tuple(range(2030, 2035))
UPT = "LPS-PALU"
KANTOR = {
    "Kementerian (baris kop 1)": "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN",
    "Kementerian (baris kop 2)": "REPUBLIK INDONESIA",
    "Nama kantor (baris kop)": OFFICE, "Alamat kantor": "Jalan Dewi Sartika 1, Palu",
    "Provinsi": "Sulawesi Tengah", "Tempat penandatanganan": "Palu",
    "Jabatan kepala kantor": "Kepala Kantor Wilayah", "Nama kepala kantor": "I Made Contoh",
    "Tahun pertama Renstra": 2030, "Tahun terakhir Renstra": 2034, "Zona waktu (WIB, WITA, WIT)": "WITA",
}
ROWS = {
    "Satker": [["KANWIL", "Kantor Wilayah Ditjenpas Sulawesi Tengah", "kanwil", "Sulawesi", "Jalan Dewi Sartika 1, Palu", 120],
               [UPT, "Lapas Kelas IIA Palu", "lapas", "Sulawesi", "Jalan Dewi Sartika 9, Palu", 150],
               ["RTN-DONGGALA", "Rutan Kelas IIB Donggala", "rutan", "Sulawesi", "Donggala", None],
               ["BPS-PALU", "Bapas Kelas II Palu", "bapas", "Sulawesi", "Palu", 40]],
    "Program": [["PPH", "Penegakan dan Pelayanan Hukum", "Pembinaan dan pelayanan pemasyarakatan"],
                ["DUKMAN", "Dukungan Manajemen", "Dukungan manajemen wilayah"]],
    "Sasaran": [["SK 1", "PPH", "Meningkatnya kualitas pembinaan warga binaan"],
                ["SK 2", "DUKMAN", "Meningkatnya tata kelola organisasi"]],
    "Indikator": [
        ["IKK 1.1", "SK 1", "Indeks pembinaan kemandirian", "indeks", "naik", "akhir", 3.0, 3.1, 3.2, 3.3, 3.4,
         "Rerata indeks", "Σ indeks / n", "SDP", "Kabid Pembinaan", 3.0],
        ["IKK 1.2", "SK 1", "Persentase narapidana yang mengikuti pelatihan kerja", "%", "naik", "akhir",
         "60", "65", "70", "75", "80", None, None, None, None, None],
        ["IKK 2.1", "SK 2", "Nilai SAKIP wilayah", "nilai", "naik", "akhir", 75, 76, 77, 78, 80,
         None, None, None, None, None],
        ["IKK 2.2", "SK 2", "Persentase temuan audit yang belum ditindaklanjuti", "%", "turun", "akhir",
         10, 8, 6, 4, 2, None, None, None, None, None]],
    "Risiko": [[None, "PPH", "Pengamanan", "Gangguan keamanan di blok hunian", "Kepadatan hunian", "Patroli rutin",
                "Patroli terjadwal\nPenggeledahan", "Kabid Keamanan", "Nihil gangguan", 4, 4, 3, 2],
               [None, "DUKMAN", "SDM", "Kekurangan petugas pengamanan", "Moratorium rekrutmen", None,
                "Rotasi petugas", "Kabag Umum", "Rasio petugas terpenuhi", 3, 3, None, None]],
    "Roadmap": [[None, "Pembinaan", 2030, "Pelatihan kerja bersertifikat", "rencana"],
                [None, "Pembinaan", 2031, "Sertifikasi produk industri", None],
                [None, "Tata kelola", 2034, "Evaluasi Renstra 2030-2034", "rencana"]],
    "Pendanaan": [[None, "SK 1", 4000, "4.100,5", 4200, 4300, 4400, "Kanwil Ditjenpas Sulawesi Tengah"],
                  [None, "IKK 2.1", 1000, 1100, 1200, 1300, 1400, "Kanwil Ditjenpas Sulawesi Tengah"]],
}


def fill_template(blank: Path, out: Path, rows: dict | None = None, kantor: dict | None = None) -> Path:
    """The blank template with the second office typed in (cells as values, "4.100,5" as text)."""
    book = load_workbook(blank)
    sheet = book["Kantor"]
    values = {**KANTOR, **(kantor or {})}
    for r in range(2, sheet.max_row + 1):
        label = sheet.cell(r, 1).value
        if label in values:
            sheet.cell(r, 2).value = values[label]
    for name, lines in (rows or ROWS).items():
        for line in lines:
            book[name].append(line)
    book.save(out)
    return out


def make_workbook(folder: Path, **kw) -> Path:
    blank = folder / "templat-rencana.xlsx"
    if not blank.exists():
        assert main(["export-xlsx", "--template", "rencana", "-o", str(blank)]) == 0
    return fill_template(blank, folder / kw.pop("name", "sulteng.xlsx"), **kw)
