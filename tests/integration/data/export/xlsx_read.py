"""A small XLSX reader for the export tests: the first sheet's cells with
their type, value and number format, the frozen pane, the column widths and
the sheet direction, straight from the zip's XML (no third-party package)."""
import re
import zipfile
import xml.etree.ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
BUILTIN_FORMATS = {0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00', 14: 'mm-dd-yy'}


def _col_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1, int(ref[len(letters):]) - 1


class Sheet:
    def __init__(self, path):
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
            styles = ET.fromstring(z.read('xl/styles.xml'))
        fmts = dict(BUILTIN_FORMATS)
        for f in styles.findall('m:numFmts/m:numFmt', NS):
            fmts[int(f.get('numFmtId'))] = f.get('formatCode')
        self.xf_format = [fmts.get(int(xf.get('numFmtId', '0')), '?')
                          for xf in styles.findall('m:cellXfs/m:xf', NS)]
        view = sheet.find('m:sheetViews/m:sheetView', NS)
        self.right_to_left = view is not None and view.get('rightToLeft') == '1'
        pane = view.find('m:pane', NS) if view is not None else None
        self.frozen_rows = int(pane.get('ySplit', '0')) if pane is not None and \
            pane.get('state') == 'frozen' else 0
        self.widths = {}
        for col in sheet.findall('m:cols/m:col', NS):
            for i in range(int(col.get('min')), int(col.get('max')) + 1):
                self.widths[i - 1] = float(col.get('width'))
        self.cells = {}  # (row, col) -> (type, value, number format)
        for c in sheet.iter('{%s}c' % NS['m']):
            col, row = _col_index(c.get('r'))
            kind = c.get('t', 'n')
            if kind == 'inlineStr':
                value = ''.join(t.text or '' for t in c.iter('{%s}t' % NS['m']))
            else:
                v = c.find('m:v', NS)
                value = v.text if v is not None else None
            self.cells[(row, col)] = (kind, value, self.xf_format[int(c.get('s', '0'))])
        self.rows = 1 + max((r for r, _ in self.cells), default=-1)
        self.header = [self.cells.get((0, i), (None, None, None))[1]
                       for i in range(1 + max((c for r, c in self.cells if r == 0), default=-1))]

    def cell(self, row, name):
        """(type, value, format) of column `name` in data row `row` (1 = first)."""
        return self.cells.get((row, self.header.index(name)), ('blank', None, None))


def excel_serial(dt):
    """The Excel date number of a naive datetime (1900 date system)."""
    import datetime
    delta = dt - datetime.datetime(1899, 12, 30)
    return delta.days + delta.seconds / 86400.0
